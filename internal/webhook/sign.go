package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
)

// SecretPrefix starts every signing secret, as the Standard Webhooks spec writes them.
const SecretPrefix = "whsec_"

// newSecret returns a signing secret: whsec_ and 32 random bytes in base64.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// ShopifyHMAC is X-Shopify-Hmac-Sha256: the base64 HMAC-SHA256 of the raw body, keyed
// with the secret as the receiver holds it (the whole whsec_… string).
func ShopifyHMAC(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// StandardSignature is webhook-signature: "v1," and the base64 HMAC-SHA256 of
// "id.timestamp.body", keyed with the secret's base64-decoded bytes after whsec_ (what the
// Standard Webhooks libraries do with the same string).
func StandardSignature(secret, id string, timestamp int64, body []byte) string {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil {
		key = []byte(secret)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(strconv.FormatInt(timestamp, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}
