package cart

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"storefront/internal/gid"
)

const idPrefix = "gid://storefront/Cart/"

// cartType is the type segment of a cart's global ID.
const cartType = "Cart/"

// FormatID returns the cart's global ID: gid://storefront/Cart/<token>?key=<secret>.
func FormatID(token, key string) string { return idPrefix + token + "?key=" + key }

// ParseID splits a cart ID into its token and secret key. gid://shopify/Cart/… is the same
// cart as gid://storefront/Cart/… (Hydrogen keeps only the last segment of a cart's ID in
// its cookie and rebuilds the ID with Shopify's prefix).
func ParseID(id string) (token, key string, ok bool) {
	rest, found := gid.TrimPrefix(id)
	if found {
		rest, found = strings.CutPrefix(rest, cartType)
	}
	if !found {
		return "", "", false
	}
	token, query, found := strings.Cut(rest, "?")
	if !found || !validPart(token) {
		return "", "", false
	}
	for _, kv := range strings.Split(query, "&") {
		if v, ok := strings.CutPrefix(kv, "key="); ok && validPart(v) {
			return token, v, true
		}
	}
	return "", "", false
}

func validPart(s string) bool {
	if len(s) < 16 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// newSecret returns 256 random bits, URL-safe.
func newSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

func keyMatches(key, hash string) bool {
	return subtle.ConstantTimeCompare([]byte(hashKey(key)), []byte(hash)) == 1
}
