// Package apikey owns the Admin API's credentials: creating keys (random, 256 bits, shown
// once, stored as SHA-256 hashes), listing and revoking them, checking a presented key and
// the scopes it grants.
package apikey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"storefront/ent"
	"storefront/ent/apikey"
	"storefront/internal/audit"
	"storefront/internal/gid"
	"storefront/internal/store"
	"storefront/internal/usererror"
)

// GlobalIDType is the type name of API keys in global IDs.
const GlobalIDType = "APIKey"

// Scopes lists every scope a key can hold. A write scope implies its read scope.
var Scopes = []string{
	"catalog:read", "catalog:write",
	"inventory:read", "inventory:write",
	"orders:read", "orders:write",
	"customers:read", "customers:write",
	"discounts:read", "discounts:write",
	"settings:read", "settings:write",
	"analytics:read",
	"webhooks:read", "webhooks:write",
	"keys:write",
}

// KeyPrefix starts every key, so a leaked key is recognisable (secret scanners, logs).
const KeyPrefix = "sfk_"

// lastUseGranularity is how stale last_used_at may be: it is written at most this often
// per key, so authenticating stays one read.
const lastUseGranularity = time.Minute

// Errors of Authenticate. They all mean HTTP 401; they differ only in the log.
var (
	ErrNoKey   = errors.New("no API key")
	ErrUnknown = errors.New("unknown API key")
	ErrRevoked = errors.New("revoked API key")
	ErrExpired = errors.New("expired API key")
)

// ValidScope reports whether s is a scope.
func ValidScope(s string) bool { return slices.Contains(Scopes, s) }

// Grants reports whether the scopes have grant need: held directly, or a read scope whose
// write scope is held.
func Grants(have []string, need string) bool {
	if slices.Contains(have, need) {
		return true
	}
	if res, ok := strings.CutSuffix(need, ":read"); ok {
		return slices.Contains(have, res+":write")
	}
	return false
}

// Service manages API keys. It is safe for concurrent use.
type Service struct {
	db  *store.DB
	now func() time.Time
}

// New returns the API key service over db.
func New(db *store.DB) *Service {
	return &Service{db: db, now: func() time.Time { return time.Now().UTC() }}
}

// Hash is the stored form of a key: SHA-256, hex.
func Hash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// newKey returns a fresh key: the prefix and 256 random bits, base64url.
func newKey() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("read random key: %w", err)
	}
	return KeyPrefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// CreateInput describes a new key.
type CreateInput struct {
	Name   string
	Scopes []string
	// ExpiresAt is when the key stops working; nil for never.
	ExpiresAt *time.Time
	// Granter is the scopes of whoever creates the key: the new key may not hold a scope
	// they lack. Nil means the command line, which may grant anything.
	Granter []string
}

// Create makes a key and returns it with the key itself, which is shown only now. The
// write is audited when ctx carries an actor. User error codes: BLANK (name), TAKEN
// (name), INVALID (an unknown scope, no scopes, an expiry in the past), ACCESS_DENIED (a
// scope the granter lacks).
func (s *Service) Create(ctx context.Context, in CreateInput) (*ent.APIKey, string, []usererror.Error, error) {
	var uerrs []usererror.Error
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		uerrs = append(uerrs, usererror.New(usererror.Blank, "The name can't be blank.", "input", "name"))
	case len(name) > 255:
		uerrs = append(uerrs, usererror.New(usererror.TooLong, "The name is longer than 255 characters.", "input", "name"))
	}
	scopes := []string{}
	for i, sc := range in.Scopes {
		sc = strings.TrimSpace(sc)
		switch {
		case !ValidScope(sc):
			uerrs = append(uerrs, usererror.New(usererror.Invalid, fmt.Sprintf("%q is not a scope.", sc), "input", "scopes", i))
		case in.Granter != nil && !Grants(in.Granter, sc):
			uerrs = append(uerrs, usererror.New(usererror.AccessDenied, fmt.Sprintf("The key creating this one lacks the %s scope, so it can't grant it.", sc), "input", "scopes", i))
		case !slices.Contains(scopes, sc):
			scopes = append(scopes, sc)
		}
	}
	if len(in.Scopes) == 0 {
		uerrs = append(uerrs, usererror.New(usererror.Invalid, "A key needs at least one scope.", "input", "scopes"))
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(s.now()) {
		uerrs = append(uerrs, usererror.New(usererror.Invalid, "The expiry must be in the future.", "input", "expiresAt"))
	}
	if len(uerrs) > 0 {
		return nil, "", uerrs, nil
	}
	key, err := newKey()
	if err != nil {
		return nil, "", nil, err
	}
	var k *ent.APIKey
	err = store.WithTx(ctx, s.db, func(tx *ent.Tx) error {
		taken, err := tx.APIKey.Query().Where(apikey.Name(name)).Exist(ctx)
		if err != nil {
			return fmt.Errorf("check api key name: %w", err)
		}
		if taken {
			uerrs = append(uerrs, usererror.New(usererror.Taken, "A key with this name already exists.", "input", "name"))
			return nil
		}
		k, err = tx.APIKey.Create().SetName(name).SetKeyHash(Hash(key)).SetPrefix(key[:len(KeyPrefix)+6]).
			SetScopes(scopes).SetNillableExpiresAt(in.ExpiresAt).Save(ctx)
		if err != nil {
			return fmt.Errorf("create api key: %w", err)
		}
		if _, ok := audit.ActorFrom(ctx); ok {
			return audit.Record(ctx, tx.Client(), GlobalID(k.ID), map[string]any{"name": name, "scopes": scopes, "expiresAt": in.ExpiresAt})
		}
		return nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, "", uerrs, err
	}
	return k, key, nil, nil
}

// GlobalID is the key's global ID.
func GlobalID(id int) string { return gid.Format(GlobalIDType, id) }

// List returns every key, oldest first.
func (s *Service) List(ctx context.Context) ([]*ent.APIKey, error) {
	ks, err := s.db.APIKey.Query().Order(ent.Asc(apikey.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	return ks, nil
}

// Revoke revokes the key with the database ID id, or named name when id is 0; revoking a
// revoked key changes nothing. The write is audited when ctx carries an actor. User error
// codes: NOT_FOUND.
func (s *Service) Revoke(ctx context.Context, id int, name string) (*ent.APIKey, []usererror.Error, error) {
	var k *ent.APIKey
	var uerrs []usererror.Error
	err := store.WithTx(ctx, s.db, func(tx *ent.Tx) error {
		q := tx.APIKey.Query()
		if id != 0 {
			q.Where(apikey.ID(id))
		} else {
			q.Where(apikey.Name(name))
		}
		var err error
		k, err = q.Only(ctx)
		if ent.IsNotFound(err) {
			uerrs = append(uerrs, usererror.New(usererror.NotFound, "No such API key.", "id"))
			return nil
		}
		if err != nil {
			return fmt.Errorf("find api key: %w", err)
		}
		if k.RevokedAt != nil {
			return nil
		}
		if k, err = k.Update().SetRevokedAt(s.now()).Save(ctx); err != nil {
			return fmt.Errorf("revoke api key %d: %w", k.ID, err)
		}
		if _, ok := audit.ActorFrom(ctx); ok {
			return audit.Record(ctx, tx.Client(), GlobalID(k.ID), map[string]any{"revokedAt": k.RevokedAt})
		}
		return nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	return k, nil, nil
}

// Authenticate returns the key presented, when it exists, is not revoked and has not
// expired, and records its use (at most once a minute per key).
func (s *Service) Authenticate(ctx context.Context, key string) (*ent.APIKey, error) {
	if key == "" {
		return nil, ErrNoKey
	}
	k, err := s.db.APIKey.Query().Where(apikey.KeyHash(Hash(key))).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		return nil, ErrUnknown
	case err != nil:
		return nil, fmt.Errorf("look up api key: %w", err)
	}
	now := s.now()
	switch {
	case k.RevokedAt != nil:
		return nil, ErrRevoked
	case k.ExpiresAt != nil && !k.ExpiresAt.After(now):
		return nil, ErrExpired
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= lastUseGranularity {
		// Conditional, so concurrent requests of one key write once.
		stale := now.Add(-lastUseGranularity)
		err := s.db.APIKey.Update().
			Where(apikey.ID(k.ID), apikey.Or(apikey.LastUsedAtIsNil(), apikey.LastUsedAtLTE(stale))).
			SetLastUsedAt(now).Exec(ctx)
		if err != nil {
			return nil, fmt.Errorf("record api key use: %w", err)
		}
		k.LastUsedAt = &now
	}
	return k, nil
}
