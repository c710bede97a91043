package customer

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"storefront/ent/passwordresettoken"
)

// Placeholders of a reset link template.
const (
	ResetIDPlaceholder    = "{id}"
	ResetTokenPlaceholder = "{token}"
	// DefaultResetPath is where this server's own reset page is, below the public URL
	// (Shopify's shape: /account/reset/<customer id>/<token>).
	DefaultResetPath = "/account/reset/" + ResetIDPlaceholder + "/" + ResetTokenPlaceholder
)

// CheckResetURL validates a reset link template: an absolute http(s) URL holding {id} and
// {token} once each, e.g. https://shop.example/account/reset/{id}/{token}.
func CheckResetURL(template string) error {
	for _, p := range []string{ResetIDPlaceholder, ResetTokenPlaceholder} {
		if strings.Count(template, p) != 1 {
			return fmt.Errorf("reset url %q must contain %s exactly once", template, p)
		}
	}
	u, err := url.Parse(strings.NewReplacer(ResetIDPlaceholder, "1", ResetTokenPlaceholder, "t").Replace(template))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("reset url must be an absolute http or https URL")
	}
	return nil
}

// resetTemplate is the configured link template, or this server's own reset page.
func (s *Service) resetTemplate() string {
	if s.cfg.ResetURL != "" {
		return s.cfg.ResetURL
	}
	return s.cfg.PublicURL + DefaultResetPath
}

// resetLink is the link a recovery mail carries for a customer and a reset token.
func (s *Service) resetLink(customerID int, token string) string {
	return strings.NewReplacer(ResetIDPlaceholder, strconv.Itoa(customerID), ResetTokenPlaceholder, url.PathEscape(token)).Replace(s.resetTemplate())
}

// ParseResetURL reads the customer ID and token from a reset link: one made from the
// configured template, or any link ending in /account/reset/<id>/<token> (the shape
// Shopify storefronts rebuild).
func (s *Service) ParseResetURL(u string) (customerID int, token string, ok bool) {
	if id, token, ok := matchTemplate(s.resetTemplate(), u); ok {
		return id, token, true
	}
	return ParseResetURL(u)
}

// matchTemplate matches u against a link template, ignoring the scheme and host (the
// link may have been rebuilt on another domain).
func matchTemplate(template, u string) (int, string, bool) {
	pathOf := func(s string) string {
		if i := strings.Index(s, "://"); i >= 0 {
			s = s[i+3:]
			if j := strings.IndexAny(s, "/?#"); j >= 0 {
				return s[j:]
			}
			return ""
		}
		return s
	}
	tpl := pathOf(template)
	pattern := regexp.QuoteMeta(tpl)
	pattern = strings.Replace(pattern, regexp.QuoteMeta(ResetIDPlaceholder), `(?P<id>[0-9]+)`, 1)
	pattern = strings.Replace(pattern, regexp.QuoteMeta(ResetTokenPlaceholder), `(?P<token>[^/?#&]+)`, 1)
	re, err := regexp.Compile("^" + pattern + "$")
	if err != nil {
		return 0, "", false
	}
	m := re.FindStringSubmatch(pathOf(u))
	if m == nil {
		return 0, "", false
	}
	id, err := strconv.Atoi(m[re.SubexpIndex("id")])
	if err != nil || id <= 0 {
		return 0, "", false
	}
	token, err := url.PathUnescape(m[re.SubexpIndex("token")])
	return id, token, err == nil && token != ""
}

// ResetTokenLive reports whether a reset token can still be used for the customer (the
// same conditions Reset checks), so a reset page can say at once that a link expired.
func (s *Service) ResetTokenLive(ctx context.Context, customerID int, resetToken string) (bool, error) {
	if resetToken == "" || len(resetToken) > 256 {
		return false, nil
	}
	ok, err := s.db.PasswordResetToken.Query().Where(
		passwordresettoken.TokenHash(hashToken(resetToken)), passwordresettoken.CustomerID(customerID),
		passwordresettoken.UsedAtIsNil(), passwordresettoken.ExpiresAtGT(s.now())).Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("find reset token: %w", err)
	}
	return ok, nil
}
