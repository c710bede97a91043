package customer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"storefront/ent"
	"storefront/ent/cart"
	"storefront/ent/customeraccesstoken"
	"storefront/ent/mailingaddress"
	"storefront/ent/order"
	"storefront/ent/passwordresettoken"
	"storefront/internal/analytics"
	"storefront/internal/audit"
	"storefront/internal/gid"
	"storefront/internal/outbox"
	"storefront/internal/store"
	"storefront/internal/usererror"
)

// AdminInput is what the Admin API may change of a customer; nil fields stay as they are.
type AdminInput struct {
	Note    *string
	Tags    []string
	HasTags bool
}

var errAdminInput = errors.New("rolled back for user errors")

// adminWrite runs one Admin API write of the customer with global ID id in a transaction,
// audits it and reads the customer back. User error codes: NOT_FOUND (id).
func (s *Service) adminWrite(ctx context.Context, id string, f func(tx *ent.Tx, c *ent.Customer) (map[string]any, []usererror.Error, error)) (*ent.Customer, []usererror.Error, error) {
	n, ok := gid.ParseAs(id, customerGIDType)
	notFound := []usererror.Error{usererror.New(usererror.NotFound, "No such customer.", "id")}
	if !ok {
		return nil, notFound, nil
	}
	var uerrs []usererror.Error
	err := store.WithTx(ctx, s.db, func(tx *ent.Tx) error {
		c, err := tx.Customer.Get(ctx, n)
		if ent.IsNotFound(err) {
			uerrs = notFound
			return errAdminInput
		}
		if err != nil {
			return fmt.Errorf("load customer %d: %w", n, err)
		}
		changes, ue, err := f(tx, c)
		if err != nil {
			return err
		}
		if len(ue) > 0 {
			uerrs = ue
			return errAdminInput
		}
		if len(changes) == 0 {
			return nil
		}
		topic := outbox.CustomersUpdate
		if d, _ := changes["disabled"].(bool); d {
			topic = outbox.CustomersDisable
		}
		if err := outbox.Emit(ctx, tx, topic, GlobalID(n), nil); err != nil {
			return err
		}
		return audit.Record(ctx, tx.Client(), GlobalID(n), changes)
	})
	if errors.Is(err, errAdminInput) {
		return nil, uerrs, nil
	}
	if err != nil {
		return nil, nil, err
	}
	c, err := s.db.Customer.Get(ctx, n)
	if err != nil {
		return nil, nil, fmt.Errorf("read customer %d back: %w", n, err)
	}
	return c, nil, nil
}

// AdminUpdate changes a customer's staff note and tags. User error codes: NOT_FOUND (id),
// INVALID (a tag), TOO_LONG (note).
func (s *Service) AdminUpdate(ctx context.Context, id string, in AdminInput) (*ent.Customer, []usererror.Error, error) {
	return s.adminWrite(ctx, id, func(tx *ent.Tx, c *ent.Customer) (map[string]any, []usererror.Error, error) {
		var uerrs []usererror.Error
		if in.Note != nil && len(*in.Note) > 5000 {
			uerrs = append(uerrs, usererror.New(usererror.TooLong, "The note is longer than 5000 characters.", "input", "note"))
		}
		for i, t := range in.Tags {
			if strings.TrimSpace(t) == "" || len(t) > 255 {
				uerrs = append(uerrs, usererror.New(usererror.Invalid, "A tag must be 1 to 255 characters.", "input", "tags", i))
			}
		}
		if len(uerrs) > 0 {
			return nil, uerrs, nil
		}
		changes := map[string]any{}
		u := tx.Customer.UpdateOne(c)
		if in.Note != nil && (c.Note == nil || *c.Note != *in.Note) {
			u.SetNote(*in.Note)
			changes["note"] = *in.Note
		}
		if in.HasTags {
			tags := in.Tags
			if tags == nil {
				tags = []string{}
			}
			if !slices.Equal(tags, c.Tags) {
				u.SetTags(tags)
				changes["tags"] = tags
			}
		}
		if len(changes) == 0 {
			return nil, nil, nil
		}
		if err := u.Exec(ctx); err != nil {
			return nil, nil, fmt.Errorf("update customer %d: %w", c.ID, err)
		}
		return changes, nil, nil
	})
}

// SetDisabled disables a customer (sign-in refused, every access and reset token revoked)
// or enables one again. User error codes: NOT_FOUND (id), INVALID (enabling an erased
// customer).
func (s *Service) SetDisabled(ctx context.Context, id string, disabled bool) (*ent.Customer, []usererror.Error, error) {
	return s.adminWrite(ctx, id, func(tx *ent.Tx, c *ent.Customer) (map[string]any, []usererror.Error, error) {
		if !disabled && c.ErasedAt != nil {
			return nil, []usererror.Error{usererror.New(usererror.Invalid, "An erased customer can't be enabled.", "id")}, nil
		}
		if disabled {
			if err := revokeAll(ctx, tx, c.ID); err != nil {
				return nil, nil, err
			}
		}
		if c.Disabled == disabled {
			return nil, nil, nil
		}
		if err := tx.Customer.UpdateOne(c).SetDisabled(disabled).Exec(ctx); err != nil {
			return nil, nil, fmt.Errorf("set customer %d disabled: %w", c.ID, err)
		}
		return map[string]any{"disabled": disabled}, nil, nil
	})
}

func revokeAll(ctx context.Context, tx *ent.Tx, customerID int) error {
	if _, err := tx.CustomerAccessToken.Delete().Where(customeraccesstoken.CustomerID(customerID)).Exec(ctx); err != nil {
		return fmt.Errorf("revoke access tokens of customer %d: %w", customerID, err)
	}
	if _, err := tx.PasswordResetToken.Delete().Where(passwordresettoken.CustomerID(customerID)).Exec(ctx); err != nil {
		return fmt.Errorf("revoke reset tokens of customer %d: %w", customerID, err)
	}
	return nil
}

// Erase removes a customer's personal data on request: name, email (replaced by a
// placeholder no one can sign in with), phone, note, tags, saved addresses and tokens; the
// contact details and addresses of the customer's orders and carts are cleared too. The
// orders themselves (amounts, lines) stay for the books, and the customer stays disabled.
// Their analytics events are deleted (analytics.EraseCustomer).
// User error codes: NOT_FOUND (id).
func (s *Service) Erase(ctx context.Context, id string) (*ent.Customer, []usererror.Error, error) {
	return s.adminWrite(ctx, id, func(tx *ent.Tx, c *ent.Customer) (map[string]any, []usererror.Error, error) {
		if err := revokeAll(ctx, tx, c.ID); err != nil {
			return nil, nil, err
		}
		var secret [32]byte
		if _, err := rand.Read(secret[:]); err != nil {
			return nil, nil, fmt.Errorf("random password: %w", err)
		}
		placeholder := "erased-" + strconv.Itoa(c.ID) + "@erased.invalid"
		// The hash of a secret thrown away: no password matches it.
		hash, err := s.hasher.Hash(ctx, hex.EncodeToString(secret[:]))
		if err != nil {
			return nil, nil, fmt.Errorf("hash a random password: %w", err)
		}
		err = tx.Customer.UpdateOne(c).SetEmail(placeholder).SetPasswordHash(hash).
			ClearFirstName().ClearLastName().ClearPhone().ClearNote().SetTags([]string{}).
			SetAcceptsMarketing(false).ClearDefaultAddressID().SetDisabled(true).SetErasedAt(time.Now().UTC()).Exec(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("erase customer %d: %w", c.ID, err)
		}
		if _, err := tx.MailingAddress.Delete().Where(mailingaddress.CustomerID(c.ID), mailingaddress.OrderIDIsNil(), mailingaddress.CartIDIsNil()).Exec(ctx); err != nil {
			return nil, nil, fmt.Errorf("delete addresses of customer %d: %w", c.ID, err)
		}
		orders, err := tx.Order.Query().Where(order.CustomerID(c.ID)).IDs(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("list orders of customer %d: %w", c.ID, err)
		}
		carts, err := tx.Cart.Query().Where(cart.CustomerID(c.ID)).IDs(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("list carts of customer %d: %w", c.ID, err)
		}
		if len(orders) > 0 {
			if err := tx.Order.Update().Where(order.IDIn(orders...)).ClearEmail().ClearPhone().ClearCustomAttributes().Exec(ctx); err != nil {
				return nil, nil, fmt.Errorf("erase contact of orders: %w", err)
			}
		}
		if len(carts) > 0 {
			if err := tx.Cart.Update().Where(cart.IDIn(carts...)).ClearEmail().ClearPhone().ClearNote().ClearBillingAddress().Exec(ctx); err != nil {
				return nil, nil, fmt.Errorf("erase contact of carts: %w", err)
			}
		}
		addr := tx.MailingAddress.Update().Where(mailingaddress.Or(mailingaddress.CustomerID(c.ID), mailingaddress.OrderIDIn(orders...), mailingaddress.CartIDIn(carts...))).
			ClearFirstName().ClearLastName().ClearCompany().ClearAddress1().ClearAddress2().ClearPhone().ClearZip()
		if err := addr.Exec(ctx); err != nil {
			return nil, nil, fmt.Errorf("erase addresses of orders and carts: %w", err)
		}
		tokens, err := tx.Cart.Query().Where(cart.IDIn(carts...)).Select(cart.FieldToken).Strings(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("list carts of customer %d: %w", c.ID, err)
		}
		if err := analytics.EraseCustomer(ctx, tx, s.db.Dialect, c.ID, tokens); err != nil {
			return nil, nil, err
		}
		return map[string]any{"erased": true}, nil, nil
	})
}
