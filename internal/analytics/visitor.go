package analytics

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"github.com/medama-io/go-useragent"

	"storefront/internal/web"
)

// The headers a storefront forwards its visitor's IDs to the Storefront API in, as
// Hydrogen does, so the server's own events join the visitor's session. They are kept only
// with analytics consent.
const (
	VisitorHeader = "Shopify-Storefront-Y"
	SessionHeader = "Shopify-Storefront-S"
)

type visitor struct {
	clientID, sessionID string
	bot                 bool
	consent             *bool
}

type visitorKey struct{}

func visitorFrom(ctx context.Context) visitor {
	v, _ := ctx.Value(visitorKey{}).(visitor)
	return v
}

// Middleware puts the request's visitor (forwarded IDs, whether a known bot sent it) into
// the request's context for the server's own events (Recorder.Track).
func (r *Recorder) Middleware(next http.Handler) http.Handler {
	if r == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		v := visitor{
			clientID:  cleanID(req.Header.Get(VisitorHeader)),
			sessionID: cleanID(req.Header.Get(SessionHeader)),
			bot:       isCrawler(req.UserAgent()),
		}
		ctx := context.WithValue(req.Context(), visitorKey{}, v)
		next.ServeHTTP(w, req.WithContext(ctx))
	})
}

// ipHash is the request's client address, hashed (see HashIP).
func (r *Recorder) ipHash(ctx context.Context) string { return r.HashIP(web.ClientIP(ctx)) }

var uaParser = sync.OnceValue(useragent.NewParser)

// IsBot says whether the user agent of a browser event is a known bot, crawler or HTTP
// library (browsers always send one, so none at all is a bot too).
func IsBot(ua string) bool {
	ua = strings.TrimSpace(ua)
	return ua == "" || uaParser().Parse(ua).IsBot() || isCrawler(ua)
}

// isCrawler says whether the caller of the Storefront API is a known crawler. Other
// programs are not: a server-rendered storefront calls the API from its server with its
// own HTTP library's user agent.
func isCrawler(ua string) bool {
	l := strings.ToLower(ua)
	for _, s := range []string{"bot", "crawler", "spider", "slurp", "headlesschrome", "lighthouse"} {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// cleanID keeps an ID a client chose if it is short and printable.
func cleanID(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 128 {
		return ""
	}
	for _, c := range s {
		if c < 0x21 || c > 0x7e {
			return ""
		}
	}
	return s
}
