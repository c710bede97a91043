// Package customer owns customer accounts: registration, sign-in tokens, profile and
// address book, and password reset, with argon2id passwords, hashed tokens and sign-in
// throttling kept in the database so every server instance enforces them together.
package customer

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"storefront/ent"
	entcustomer "storefront/ent/customer"
	"storefront/ent/customeraccesstoken"
	"storefront/ent/mailingaddress"
	"storefront/ent/passwordresettoken"
	"storefront/internal/analytics"
	"storefront/internal/contact"
	"storefront/internal/gid"
	"storefront/internal/outbox"
	"storefront/internal/store"
)

// Durations and limits.
const (
	TokenTTL        = 30 * 24 * time.Hour
	ResetTTL        = time.Hour
	MinPassword     = 8
	MaxPassword     = 256
	maxNameLength   = 255
	hashConcurrency = 4
	customerGIDType = "Customer"
	addressGIDType  = "MailingAddress"
	tokenRecordGID  = "CustomerAccessToken"
)

// Error codes (CustomerErrorCode).
const (
	CodeBlank              = "BLANK"
	CodeInvalid            = "INVALID"
	CodeTaken              = "TAKEN"
	CodeTooLong            = "TOO_LONG"
	CodeTooShort           = "TOO_SHORT"
	CodeContainsHTML       = "CONTAINS_HTML_TAGS"
	CodeContainsURL        = "CONTAINS_URL"
	CodeWhitespacePassword = "PASSWORD_STARTS_OR_ENDS_WITH_WHITESPACE"
	CodeTokenInvalid       = "TOKEN_INVALID"
	CodeUnidentified       = "UNIDENTIFIED_CUSTOMER"
	CodeDisabled           = "CUSTOMER_DISABLED"
	CodeNotFound           = "NOT_FOUND"
)

// UserError is a problem the customer can fix (CustomerUserError).
type UserError struct {
	Code    string
	Field   []string
	Message string
}

// Config configures the service.
type Config struct {
	PublicURL string
	// ResetURL is the template of the link recovery mail carries, with {id} and {token}
	// (see CheckResetURL); empty means this server's page, PublicURL/account/reset/{id}/{token}.
	ResetURL string
	Mailer   Mailer
	Log      *slog.Logger
}

// Service manages customers. It keeps no state that another instance would not see.
type Service struct {
	db     *store.DB
	cfg    Config
	hasher *hasher
	now    func() time.Time
	// Events records customer created and sign-in analytics events; nil records none.
	Events *analytics.Recorder
}

// New returns a customer service over db.
func New(db *store.DB, cfg Config) (*Service, error) {
	h, err := newHasher(Params, hashConcurrency)
	if err != nil {
		return nil, err
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.ResetURL != "" {
		if err := CheckResetURL(cfg.ResetURL); err != nil {
			return nil, err
		}
	}
	if cfg.Mailer == nil {
		cfg.Mailer = &LogMailer{Log: cfg.Log}
	}
	return &Service{db: db, cfg: cfg, hasher: h, now: func() time.Time { return time.Now().UTC() }}, nil
}

// Token is an issued access token (the only time its plain value exists on the server).
type Token struct {
	Value     string
	ExpiresAt time.Time
}

func newToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// GlobalID is a customer's global ID.
func GlobalID(id int) string { return gid.Format(customerGIDType, id) }

// AddressID is a mailing address's global ID.
func AddressID(id int) string { return gid.Format(addressGIDType, id) }

// Input is what customerCreate and customerUpdate take; nil fields are left as they are.
type Input struct {
	Email            *string
	Password         *string
	FirstName        *string
	LastName         *string
	Phone            *string
	AcceptsMarketing *bool
}

var (
	htmlTag = regexp.MustCompile(`<[a-zA-Z/!][^>]*>`)
	urlLike = regexp.MustCompile(`(?i)(https?://|www\.|\b[a-z0-9-]+\.(com|net|org|io|co|info|biz|xyz|ru|cn)\b)`)
)

func checkPassword(p string, field []string) []UserError {
	n := utf8.RuneCountInString(p)
	switch {
	case strings.TrimSpace(p) == "":
		return []UserError{{CodeBlank, field, "Password can't be blank."}}
	case n < MinPassword:
		return []UserError{{CodeTooShort, field, fmt.Sprintf("Password is too short (minimum is %d characters).", MinPassword)}}
	case n > MaxPassword:
		return []UserError{{CodeTooLong, field, fmt.Sprintf("Password is too long (maximum is %d characters).", MaxPassword)}}
	case unicode.IsSpace([]rune(p)[0]) || unicode.IsSpace([]rune(p)[n-1]):
		return []UserError{{CodeWhitespacePassword, field, "Password cannot start or end with whitespace."}}
	}
	return nil
}

// checkName validates a personal name: length, no HTML, no URLs.
func checkName(v string, field []string) []UserError {
	switch {
	case utf8.RuneCountInString(v) > maxNameLength:
		return []UserError{{CodeTooLong, field, fmt.Sprintf("Must be at most %d characters.", maxNameLength)}}
	case htmlTag.MatchString(v):
		return []UserError{{CodeContainsHTML, field, "Cannot contain HTML tags."}}
	case urlLike.MatchString(v):
		return []UserError{{CodeContainsURL, field, "Cannot contain a URL."}}
	}
	return nil
}

func (s *Service) checkInput(ctx context.Context, in Input, creating bool, self int) []UserError {
	var errs []UserError
	f := func(name string) []string { return []string{"input", name} }
	if !creating {
		f = func(name string) []string { return []string{"customer", name} }
	}
	if in.Email != nil || creating {
		e := ""
		if in.Email != nil {
			e = strings.TrimSpace(*in.Email)
		}
		switch {
		case e == "":
			errs = append(errs, UserError{CodeBlank, f("email"), "Email can't be blank."})
		case len(e) > 254:
			errs = append(errs, UserError{CodeTooLong, f("email"), "Email is too long."})
		case !contact.ValidEmail(e):
			errs = append(errs, UserError{CodeInvalid, f("email"), "Email is invalid."})
		default:
			q := s.db.Customer.Query().Where(entcustomer.EmailKey(strings.ToLower(e)))
			if self != 0 {
				q = q.Where(entcustomer.IDNEQ(self))
			}
			if taken, err := q.Exist(ctx); err == nil && taken {
				errs = append(errs, UserError{CodeTaken, f("email"), "Email has already been taken."})
			}
		}
	}
	if in.Password != nil || creating {
		p := ""
		if in.Password != nil {
			p = *in.Password
		}
		errs = append(errs, checkPassword(p, f("password"))...)
	}
	if in.FirstName != nil {
		errs = append(errs, checkName(*in.FirstName, f("firstName"))...)
	}
	if in.LastName != nil {
		errs = append(errs, checkName(*in.LastName, f("lastName"))...)
	}
	if in.Phone != nil && *in.Phone != "" && !contact.ValidPhone(*in.Phone) {
		errs = append(errs, UserError{CodeInvalid, f("phone"), "Phone must be in international format, e.g. +14155550123."})
	}
	return errs
}

// Create registers a customer. Every call is counted under the client address first, and
// refused with an error matching ErrThrottled (nothing checked or created) after
// MaxCreatesIP calls from the address within FloodWindow.
//
// User error codes: BLANK, INVALID, TAKEN, TOO_LONG, TOO_SHORT, CONTAINS_HTML_TAGS,
// CONTAINS_URL, PASSWORD_STARTS_OR_ENDS_WITH_WHITESPACE.
func (s *Service) Create(ctx context.Context, in Input, clientIP string) (*ent.Customer, []UserError, error) {
	if _, err := s.admit(ctx, errCreateThrottled, limit{addressKey("create-ip:", clientIP), MaxCreatesIP, FloodWindow}); err != nil {
		return nil, nil, err
	}
	if errs := s.checkInput(ctx, in, true, 0); len(errs) > 0 {
		return nil, errs, nil
	}
	hash, err := s.hasher.Hash(ctx, *in.Password)
	if err != nil {
		return nil, nil, err
	}
	var c *ent.Customer
	err = s.inTx(ctx, func(tx *ent.Tx) error {
		b := tx.Customer.Create().SetEmail(strings.TrimSpace(*in.Email)).SetPasswordHash(hash).
			SetNillableFirstName(in.FirstName).SetNillableLastName(in.LastName).SetNillableAcceptsMarketing(in.AcceptsMarketing)
		if in.Phone != nil && *in.Phone != "" {
			b.SetPhone(*in.Phone)
		}
		var err error
		if c, err = b.Save(ctx); err != nil {
			return err
		}
		return outbox.Emit(ctx, tx, outbox.CustomersCreate, GlobalID(c.ID), nil)
	})
	if ent.IsConstraintError(err) {
		return nil, []UserError{{CodeTaken, []string{"input", "email"}, "Email has already been taken."}}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("create customer: %w", err)
	}
	s.Events.Track(ctx, analytics.Event{Name: analytics.CustomerCreated, CustomerID: c.ID})
	return c, nil, nil
}

// SignIn checks credentials and issues an access token. Unknown emails and wrong
// passwords get the same answer after the same hashing work.
//
// Every attempt is recorded before its password is hashed, under the account and the
// client address, and refused with an error matching ErrThrottled (nothing hashed) when
// MaxFailsAccount attempts for the account or MaxFailsIP from the address were recorded
// within ThrottleWindow: concurrent attempts are counted before any of them is checked.
// A successful sign-in takes its own record back, so it does not count; the failures
// before it still do.
//
// User error codes: UNIDENTIFIED_CUSTOMER, CUSTOMER_DISABLED.
func (s *Service) SignIn(ctx context.Context, email, password, clientIP string) (*Token, []UserError, error) {
	key := strings.ToLower(strings.TrimSpace(email))
	attempts, err := s.admit(ctx, errSignInThrottled,
		limit{"email:" + hashToken(key), MaxFailsAccount, ThrottleWindow},
		limit{addressKey("ip:", clientIP), MaxFailsIP, ThrottleWindow})
	if err != nil {
		return nil, nil, err
	}
	c, err := s.db.Customer.Query().Where(entcustomer.EmailKey(key)).Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, nil, fmt.Errorf("find customer: %w", err)
	}
	hash := ""
	if c != nil {
		hash = c.PasswordHash
	}
	ok, rehash, err := s.hasher.Check(ctx, password, hash)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, []UserError{{CodeUnidentified, []string{"input"}, "Unidentified customer"}}, nil
	}
	if err := s.forget(ctx, attempts); err != nil {
		return nil, nil, err
	}
	if c.Disabled {
		return nil, []UserError{{CodeDisabled, []string{"input"}, "This account is disabled."}}, nil
	}
	if rehash {
		if h, err := s.hasher.Hash(ctx, password); err == nil {
			_ = s.db.Customer.UpdateOne(c).SetPasswordHash(h).Exec(ctx)
		}
	}
	t, uerrs, err := s.issue(ctx, s.db.Client, c.ID)
	if err == nil && len(uerrs) == 0 {
		s.Events.Track(ctx, analytics.Event{Name: analytics.CustomerSignIn, CustomerID: c.ID})
	}
	return t, uerrs, err
}

func (s *Service) issue(ctx context.Context, db *ent.Client, customerID int) (*Token, []UserError, error) {
	t := &Token{Value: newToken(), ExpiresAt: s.now().Add(TokenTTL)}
	if err := db.CustomerAccessToken.Create().SetCustomerID(customerID).SetTokenHash(hashToken(t.Value)).SetExpiresAt(t.ExpiresAt).Exec(ctx); err != nil {
		return nil, nil, fmt.Errorf("issue token: %w", err)
	}
	return t, nil, nil
}

// record returns the live token record for a plain token, or nil.
func (s *Service) record(ctx context.Context, token string) (*ent.CustomerAccessToken, error) {
	if token == "" || len(token) > 256 {
		return nil, nil
	}
	r, err := s.db.CustomerAccessToken.Query().
		Where(customeraccesstoken.TokenHash(hashToken(token)), customeraccesstoken.ExpiresAtGT(s.now())).
		WithCustomer().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find token: %w", err)
	}
	if r.Edges.Customer == nil || r.Edges.Customer.Disabled {
		return nil, nil
	}
	return r, nil
}

// ByToken returns the customer behind a live access token, or nil.
func (s *Service) ByToken(ctx context.Context, token string) (*ent.Customer, error) {
	r, err := s.record(ctx, token)
	if err != nil || r == nil {
		return nil, err
	}
	return r.Edges.Customer, nil
}

// CustomerByToken implements cart.CustomerResolver.
func (s *Service) CustomerByToken(ctx context.Context, token string) (int, string, bool, error) {
	c, err := s.ByToken(ctx, token)
	if err != nil || c == nil {
		return 0, "", false, err
	}
	return c.ID, c.Email, true, nil
}

// Renew extends a live token by TokenTTL from now.
func (s *Service) Renew(ctx context.Context, token string) (*Token, error) {
	r, err := s.record(ctx, token)
	if err != nil || r == nil {
		return nil, err
	}
	exp := s.now().Add(TokenTTL)
	if err := s.db.CustomerAccessToken.UpdateOne(r).SetExpiresAt(exp).Exec(ctx); err != nil {
		return nil, fmt.Errorf("renew token: %w", err)
	}
	return &Token{Value: token, ExpiresAt: exp}, nil
}

// Revoke deletes a token at once; it returns the token record's ID, or 0 when the token
// was not live.
func (s *Service) Revoke(ctx context.Context, token string) (int, error) {
	r, err := s.record(ctx, token)
	if err != nil || r == nil {
		return 0, err
	}
	if err := s.db.CustomerAccessToken.DeleteOne(r).Exec(ctx); err != nil {
		return 0, fmt.Errorf("revoke token: %w", err)
	}
	return r.ID, nil
}

// TokenRecordID is the global ID of an access token record.
func TokenRecordID(id int) string { return gid.Format(tokenRecordGID, id) }

// Update changes the profile of the token's customer. A new password revokes all of the
// customer's access tokens and returns a fresh one; a new password or email ends every
// reset token not used yet.
//
// User error codes: TOKEN_INVALID and those of Create.
func (s *Service) Update(ctx context.Context, token string, in Input) (*ent.Customer, *Token, []UserError, error) {
	c, err := s.ByToken(ctx, token)
	if err != nil {
		return nil, nil, nil, err
	}
	if c == nil {
		return nil, nil, []UserError{{CodeTokenInvalid, []string{"customerAccessToken"}, "The customer access token is invalid or has expired."}}, nil
	}
	if errs := s.checkInput(ctx, in, false, c.ID); len(errs) > 0 {
		return nil, nil, errs, nil
	}
	var hash string
	if in.Password != nil {
		if hash, err = s.hasher.Hash(ctx, *in.Password); err != nil {
			return nil, nil, nil, err
		}
	}
	var fresh *Token
	err = s.inTx(ctx, func(tx *ent.Tx) error {
		u := tx.Customer.UpdateOne(c).SetNillableFirstName(in.FirstName).SetNillableLastName(in.LastName).SetNillableAcceptsMarketing(in.AcceptsMarketing)
		if in.Email != nil {
			u.SetEmail(strings.TrimSpace(*in.Email))
		}
		if in.Phone != nil {
			if *in.Phone == "" {
				u.ClearPhone()
			} else {
				u.SetPhone(*in.Phone)
			}
		}
		if hash != "" {
			u.SetPasswordHash(hash)
		}
		if c, err = u.Save(ctx); err != nil {
			return err
		}
		if err := outbox.Emit(ctx, tx, outbox.CustomersUpdate, GlobalID(c.ID), nil); err != nil {
			return err
		}
		if hash == "" && in.Email == nil {
			return nil
		}
		// Reset links sent before a new password (or to an old address) end.
		if err := s.endResetTokens(ctx, tx, c.ID); err != nil {
			return err
		}
		if hash == "" {
			return nil
		}
		if _, err := tx.CustomerAccessToken.Delete().Where(customeraccesstoken.CustomerID(c.ID)).Exec(ctx); err != nil {
			return err
		}
		fresh, _, err = s.issue(ctx, tx.Client(), c.ID)
		return err
	})
	if ent.IsConstraintError(err) {
		return nil, nil, []UserError{{CodeTaken, []string{"customer", "email"}, "Email has already been taken."}}, nil
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("update customer: %w", err)
	}
	return c, fresh, nil, nil
}

func (s *Service) inTx(ctx context.Context, f func(tx *ent.Tx) error) error {
	tx, err := s.db.Tx(ctx)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Recover sends a password reset link when the email belongs to a customer; the answer
// is the same either way. Every call with a valid email is counted, under the email
// (whether or not it belongs to a customer, so a refusal reveals nothing) and the client
// address, and refused with an error matching ErrThrottled (no email sent) after
// MaxRecoverEmail calls for the email or MaxRecoverIP from the address within FloodWindow.
//
// User error codes: INVALID.
func (s *Service) Recover(ctx context.Context, email, clientIP string) ([]UserError, error) {
	e := strings.TrimSpace(email)
	if !contact.ValidEmail(e) {
		return []UserError{{CodeInvalid, []string{"email"}, "Email is invalid."}}, nil
	}
	if _, err := s.admit(ctx, errRecoverThrottled,
		limit{"recover-email:" + hashToken(strings.ToLower(e)), MaxRecoverEmail, FloodWindow},
		limit{addressKey("recover-ip:", clientIP), MaxRecoverIP, FloodWindow}); err != nil {
		return nil, err
	}
	c, err := s.db.Customer.Query().Where(entcustomer.EmailKey(strings.ToLower(e))).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find customer: %w", err)
	}
	token := newToken()
	if err := s.db.PasswordResetToken.Create().SetCustomerID(c.ID).SetTokenHash(hashToken(token)).SetExpiresAt(s.now().Add(ResetTTL)).Exec(ctx); err != nil {
		return nil, fmt.Errorf("create reset token: %w", err)
	}
	link := s.resetLink(c.ID, token)
	err = s.cfg.Mailer.Send(ctx, Message{To: c.Email, Subject: "Reset your password",
		Body: "Someone asked to reset the password of your account.\n\nTo choose a new password, open this link within an hour:\n" + link + "\n\nIf it was not you, ignore this message."})
	if err != nil {
		return nil, err
	}
	return nil, nil
}

// Reset sets a new password with a reset token (single use, one hour), ends the
// customer's other reset tokens, revokes their access tokens and signs them in (the token
// returned is the only one left).
//
// User error codes: TOKEN_INVALID and the password codes of Create.
func (s *Service) Reset(ctx context.Context, customerID int, resetToken, password string) (*ent.Customer, *Token, []UserError, error) {
	if errs := checkPassword(password, []string{"input", "password"}); len(errs) > 0 {
		return nil, nil, errs, nil
	}
	r, err := s.db.PasswordResetToken.Query().Where(
		passwordresettoken.TokenHash(hashToken(resetToken)), passwordresettoken.CustomerID(customerID),
		passwordresettoken.UsedAtIsNil(), passwordresettoken.ExpiresAtGT(s.now())).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil, []UserError{{CodeTokenInvalid, []string{"input", "resetToken"}, "The reset link is invalid or has expired."}}, nil
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("find reset token: %w", err)
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return nil, nil, nil, err
	}
	var c *ent.Customer
	var fresh *Token
	err = s.inTx(ctx, func(tx *ent.Tx) error {
		// The customer's row first: resets and password changes of one customer run one
		// after the other, so of two links used at once only the first works.
		if c, err = tx.Customer.UpdateOneID(customerID).SetPasswordHash(hash).Save(ctx); err != nil {
			return err
		}
		// Mark used: a concurrent use of the same token finds it used.
		n, err := tx.PasswordResetToken.Update().Where(passwordresettoken.ID(r.ID), passwordresettoken.UsedAtIsNil(), passwordresettoken.ExpiresAtGT(s.now())).SetUsedAt(s.now()).Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return errTokenUsed
		}
		if err := s.endResetTokens(ctx, tx, customerID); err != nil {
			return err
		}
		if _, err := tx.CustomerAccessToken.Delete().Where(customeraccesstoken.CustomerID(customerID)).Exec(ctx); err != nil {
			return err
		}
		fresh, _, err = s.issue(ctx, tx.Client(), customerID)
		return err
	})
	if errors.Is(err, errTokenUsed) {
		return nil, nil, []UserError{{CodeTokenInvalid, []string{"input", "resetToken"}, "The reset link is invalid or has expired."}}, nil
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("reset password: %w", err)
	}
	return c, fresh, nil, nil
}

var errTokenUsed = errors.New("reset token already used")

// endResetTokens ends every reset token of the customer not used yet.
func (s *Service) endResetTokens(ctx context.Context, tx *ent.Tx, customerID int) error {
	if _, err := tx.PasswordResetToken.Update().Where(passwordresettoken.CustomerID(customerID), passwordresettoken.UsedAtIsNil()).SetUsedAt(s.now()).Save(ctx); err != nil {
		return fmt.Errorf("end reset tokens: %w", err)
	}
	return nil
}

// ParseResetURL reads the customer ID and token from a reset link this server sent.
func ParseResetURL(u string) (customerID int, token string, ok bool) {
	i := strings.Index(u, "/account/reset/")
	if i < 0 {
		return 0, "", false
	}
	parts := strings.Split(strings.Trim(u[i+len("/account/reset/"):], "/"), "/")
	if len(parts) != 2 {
		return 0, "", false
	}
	var id int
	if _, err := fmt.Sscanf(parts[0], "%d", &id); err != nil || id <= 0 || fmt.Sprint(id) != parts[0] {
		return 0, "", false
	}
	token = strings.SplitN(parts[1], "?", 2)[0]
	return id, token, token != ""
}

// Addresses returns the customer's addresses, oldest first.
func (s *Service) Addresses(ctx context.Context, customerID int) ([]*ent.MailingAddress, error) {
	return s.db.MailingAddress.Query().Where(mailingaddress.CustomerID(customerID)).Order(ent.Asc(mailingaddress.FieldID)).All(ctx)
}

// Address returns one of the customer's addresses by ID, or nil: another customer's
// address is as absent as one that does not exist.
func (s *Service) Address(ctx context.Context, customerID, addressID int) (*ent.MailingAddress, error) {
	a, err := s.db.MailingAddress.Query().Where(mailingaddress.ID(addressID), mailingaddress.CustomerID(customerID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return a, err
}

// ByID returns a customer by ID, or nil (for a cart's buyer identity).
func (s *Service) ByID(ctx context.Context, id int) (*ent.Customer, error) {
	c, err := s.db.Customer.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return c, err
}

// HashChecks is the number of password comparisons made so far.
func (s *Service) HashChecks() int64 { return s.hasher.checks.Load() }
