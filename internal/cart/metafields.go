package cart

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"entgo.io/ent/dialect"

	"storefront/ent"
	entcart "storefront/ent/cart"
	"storefront/ent/cartmetafield"
	"storefront/ent/predicate"
	"storefront/internal/gid"
)

// MetafieldGIDType is the type name of cart metafields in global IDs.
const MetafieldGIDType = "Metafield"

// metafieldTag is what makes a cart metafield's ID unguessable: an HMAC of its database ID
// keyed by the hash of its cart's secret key, which only the database holds. Only someone
// who was shown the ID (by reading the cart, which takes the cart's whole ID) has it.
func metafieldTag(id int, cartKeyHash string) string {
	mac := hmac.New(sha256.New, []byte(cartKeyHash))
	mac.Write([]byte("cart-metafield:" + strconv.Itoa(id)))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:16])
}

// MetafieldID is the global ID of a cart metafield, gid://storefront/Metafield/<id>?key=<tag>;
// m must carry its cart (Edges.Cart), as every metafield this package returns does.
func MetafieldID(m *ent.CartMetafield) (string, error) {
	if m.Edges.Cart == nil {
		return "", fmt.Errorf("cart metafield %d read without its cart", m.ID)
	}
	return gid.Format(MetafieldGIDType, m.ID) + "?key=" + metafieldTag(m.ID, m.Edges.Cart.KeyHash), nil
}

// MetafieldsByID resolves cart metafield global IDs (one statement for all): an ID whose
// key does not match its metafield's cart, like an unknown or malformed one, finds nothing.
func (s *Service) MetafieldsByID(ctx context.Context, ids []string) (map[string]*ent.CartMetafield, error) {
	type want struct{ id, tag string }
	byNum := map[int][]want{}
	for _, id := range ids {
		n, ok := gid.ParseAs(id, MetafieldGIDType)
		if !ok {
			continue
		}
		_, query, _ := strings.Cut(id, "?")
		for _, kv := range strings.Split(query, "&") {
			if tag, ok := strings.CutPrefix(kv, "key="); ok && tag != "" {
				byNum[n] = append(byNum[n], want{id, tag})
			}
		}
	}
	out := map[string]*ent.CartMetafield{}
	if len(byNum) == 0 {
		return out, nil
	}
	nums := make([]int, 0, len(byNum))
	for n := range byNum {
		nums = append(nums, n)
	}
	ms, err := s.db.CartMetafield.Query().Where(cartmetafield.IDIn(nums...)).WithCart().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load cart metafields: %w", err)
	}
	for _, m := range ms {
		good := metafieldTag(m.ID, m.Edges.Cart.KeyHash)
		for _, w := range byNum[m.ID] {
			if hmac.Equal([]byte(w.tag), []byte(good)) {
				out[w.id] = m
			}
		}
	}
	return out, nil
}

// Metafield limits and user error codes (MetafieldsSetUserErrorCode, MetafieldDeleteErrorCode).
const (
	MaxMetafieldsPerCart = 25
	maxMetafieldValue    = 65536

	CodeMetafieldInvalidOwner = "INVALID_OWNER"
	CodeMetafieldBlank        = "BLANK"
	CodeMetafieldInvalidType  = "INVALID_TYPE"
	CodeMetafieldInvalidValue = "INVALID_VALUE"
	CodeMetafieldTooLong      = "TOO_LONG"
	CodeMetafieldTooShort     = "TOO_SHORT"
	CodeMetafieldLimit        = "LESS_THAN_OR_EQUAL_TO"
	CodeMetafieldMissing      = "METAFIELD_DOES_NOT_EXIST"
)

// DefaultMetafieldNamespace is the namespace of a key given without one.
const DefaultMetafieldNamespace = "custom"

// MetafieldInput sets one metafield of a cart: Key is "key" or "namespace.key".
type MetafieldInput struct {
	OwnerID, Key, Type, Value string
}

// MetafieldError is a problem with one input; Index is its position (-1 for none).
type MetafieldError struct {
	Code    string
	Field   []string
	Message string
	Index   int
}

// metafieldTypes are the value types a cart metafield takes, with their value check.
var metafieldTypes = map[string]func(string) bool{
	"single_line_text_field": func(v string) bool { return !strings.ContainsAny(v, "\r\n") },
	"multi_line_text_field":  func(string) bool { return true },
	"json":                   func(v string) bool { return json.Valid([]byte(v)) },
	"number_integer":         func(v string) bool { _, err := strconv.ParseInt(v, 10, 64); return err == nil },
	"number_decimal": func(v string) bool {
		_, err := strconv.ParseFloat(v, 64)
		return err == nil && !strings.ContainsAny(v, "eE")
	},
	"boolean": func(v string) bool { return v == "true" || v == "false" },
	"url":     func(v string) bool { return strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://") },
	"color":   func(v string) bool { return len(v) == 7 && v[0] == '#' },
}

// SplitMetafieldKey splits "namespace.key" (or "key", in the default namespace).
func SplitMetafieldKey(k string) (namespace, key string) {
	if i := strings.LastIndexByte(k, '.'); i >= 0 {
		return k[:i], k[i+1:]
	}
	return DefaultMetafieldNamespace, k
}

// SetMetafields creates or replaces metafields of carts, each named by its cart ID as
// ownerId; all of them or none are written.
//
// User error codes: INVALID_OWNER (unknown cart), BLANK, TOO_SHORT, TOO_LONG, INVALID_TYPE,
// INVALID_VALUE, LESS_THAN_OR_EQUAL_TO (more than MaxMetafieldsPerCart on a cart).
func (s *Service) SetMetafields(ctx context.Context, in []MetafieldInput) ([]*ent.CartMetafield, []MetafieldError, error) {
	var errs []MetafieldError
	bad := func(i int, code, field, msg string) {
		errs = append(errs, MetafieldError{Code: code, Field: []string{"metafields", strconv.Itoa(i), field}, Message: msg, Index: i})
	}
	for i, m := range in {
		ns, key := SplitMetafieldKey(m.Key)
		check, known := metafieldTypes[m.Type]
		switch {
		case key == "" || ns == "":
			bad(i, CodeMetafieldBlank, "key", "Key can't be blank.")
		case utf8.RuneCountInString(key) < 2:
			bad(i, CodeMetafieldTooShort, "key", "Key is too short (at least 2 characters).")
		case utf8.RuneCountInString(key) > 64 || utf8.RuneCountInString(ns) > 255:
			bad(i, CodeMetafieldTooLong, "key", "Key is too long (at most 64 characters).")
		case !known:
			bad(i, CodeMetafieldInvalidType, "type", "Type is not a cart metafield type.")
		case m.Value == "":
			bad(i, CodeMetafieldBlank, "value", "Value can't be blank.")
		case len(m.Value) > maxMetafieldValue:
			bad(i, CodeMetafieldTooLong, "value", "Value is too long.")
		case !check(m.Value):
			bad(i, CodeMetafieldInvalidValue, "value", "Value is not a valid "+m.Type+".")
		}
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	out := make([]*ent.CartMetafield, len(in))
	err := s.inTx(ctx, func(tx *ent.Tx) error {
		for i, m := range in {
			c, err := s.lockedCart(ctx, tx, m.OwnerID)
			if err != nil {
				return err
			}
			if c == nil {
				bad(i, CodeMetafieldInvalidOwner, "ownerId", "The cart does not exist.")
				return errRollback
			}
			ns, key := SplitMetafieldKey(m.Key)
			where := []predicate.CartMetafield{cartmetafield.CartID(c.ID), cartmetafield.Namespace(ns), cartmetafield.Key(key)}
			existing, err := tx.CartMetafield.Query().Where(where...).Only(ctx)
			switch {
			case err == nil:
				out[i], err = existing.Update().SetType(m.Type).SetValue(m.Value).Save(ctx)
			case ent.IsNotFound(err):
				n, cerr := tx.CartMetafield.Query().Where(cartmetafield.CartID(c.ID)).Count(ctx)
				if cerr != nil {
					return fmt.Errorf("count cart metafields: %w", cerr)
				}
				if n >= MaxMetafieldsPerCart {
					bad(i, CodeMetafieldLimit, "key", fmt.Sprintf("A cart can have at most %d metafields.", MaxMetafieldsPerCart))
					return errRollback
				}
				out[i], err = tx.CartMetafield.Create().SetCartID(c.ID).SetNamespace(ns).SetKey(key).SetType(m.Type).SetValue(m.Value).Save(ctx)
			}
			if err != nil {
				return fmt.Errorf("set cart metafield: %w", err)
			}
			out[i].Edges.Cart = c
			if err := tx.Cart.UpdateOne(c).SetUpdatedAt(s.now()).Exec(ctx); err != nil {
				return fmt.Errorf("touch cart: %w", err)
			}
		}
		return nil
	})
	if len(errs) > 0 {
		return nil, errs, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return out, nil, nil
}

// DeleteMetafield deletes a metafield of a cart ("key" or "namespace.key") and returns its
// global ID (MetafieldID).
//
// User error codes: INVALID_OWNER (unknown cart), METAFIELD_DOES_NOT_EXIST.
func (s *Service) DeleteMetafield(ctx context.Context, ownerID, key string) (string, []MetafieldError, error) {
	var errs []MetafieldError
	deleted := ""
	err := s.inTx(ctx, func(tx *ent.Tx) error {
		c, err := s.lockedCart(ctx, tx, ownerID)
		if err != nil {
			return err
		}
		if c == nil {
			errs = []MetafieldError{{Code: CodeMetafieldInvalidOwner, Field: []string{"input", "ownerId"}, Message: "The cart does not exist.", Index: -1}}
			return errRollback
		}
		ns, k := SplitMetafieldKey(key)
		m, err := tx.CartMetafield.Query().Where(cartmetafield.CartID(c.ID), cartmetafield.Namespace(ns), cartmetafield.Key(k)).Only(ctx)
		if ent.IsNotFound(err) {
			errs = []MetafieldError{{Code: CodeMetafieldMissing, Field: []string{"input", "key"}, Message: "The metafield does not exist.", Index: -1}}
			return errRollback
		}
		if err != nil {
			return fmt.Errorf("load cart metafield: %w", err)
		}
		if err := tx.CartMetafield.DeleteOne(m).Exec(ctx); err != nil {
			return fmt.Errorf("delete cart metafield: %w", err)
		}
		m.Edges.Cart = c
		if deleted, err = MetafieldID(m); err != nil {
			return err
		}
		return tx.Cart.UpdateOne(c).SetUpdatedAt(s.now()).Exec(ctx)
	})
	if len(errs) > 0 {
		return "", errs, nil
	}
	if err != nil {
		return "", nil, err
	}
	return deleted, nil, nil
}

// Metafields returns a cart's metafields by namespace and key.
func (s *Service) Metafields(ctx context.Context, c *ent.Cart) ([]*ent.CartMetafield, error) {
	ms, err := s.db.CartMetafield.Query().Where(cartmetafield.CartID(c.ID)).
		Order(ent.Asc(cartmetafield.FieldNamespace), ent.Asc(cartmetafield.FieldKey)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load cart metafields: %w", err)
	}
	for _, m := range ms {
		m.Edges.Cart = c
	}
	return ms, nil
}

// lockedCart loads and locks the usable cart with the given ID inside tx; nil when the ID
// names no usable cart.
func (s *Service) lockedCart(ctx context.Context, tx *ent.Tx, id string) (*ent.Cart, error) {
	token, key, ok := ParseID(id)
	if !ok {
		return nil, nil
	}
	q := tx.Cart.Query().Where(entcart.Token(token))
	if s.db.Dialect == dialect.Postgres {
		q = q.ForUpdate() // SQLite's immediate transactions already hold the write lock
	}
	c, err := q.Only(ctx)
	if ent.IsNotFound(err) || err == nil && !s.usable(c, key) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock cart: %w", err)
	}
	return c, nil
}
