package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Timeouts of a delivery: connecting (DNS, TCP and TLS each) and the whole exchange.
const (
	ConnectTimeout = 5 * time.Second
	TotalTimeout   = 10 * time.Second
)

// blocked are the networks a webhook may not reach unless allow-listed: loopback, private
// (RFC 1918, unique local), carrier-grade NAT, link-local (cloud metadata services live
// at 169.254.169.254 and fd00:ec2::254), unspecified, multicast, reserved and the
// IPv4-translating prefixes that could hide any of them.
var blocked = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
		"::/128", "::1/128", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001:db8::/32", "2002::/16",
		"fc00::/7", "fe80::/10", "ff00::/8",
	} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

// ErrForbiddenAddress is why a delivery target is refused: it resolves to an address the
// SSRF guard blocks.
var ErrForbiddenAddress = errors.New("forbidden address")

// Guard is the SSRF guard: which addresses webhooks may reach and whether plain HTTP is
// allowed.
type Guard struct {
	// Allow lists networks reachable even though they are blocked (a local receiver in
	// tests, a partner on the private network).
	Allow []netip.Prefix
	// HTTPSOnly refuses http:// URLs (production mode).
	HTTPSOnly bool
}

// ParseAllow reads a comma-separated list of CIDRs or single addresses.
func ParseAllow(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("webhook allow-list: %q is not an address or CIDR", f)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("webhook allow-list: %q is not an address or CIDR", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// CheckAddr returns ErrForbiddenAddress (wrapped) when ip may not be reached.
func (g Guard) CheckAddr(ip netip.Addr) error {
	ip = ip.Unmap()
	for _, p := range g.Allow {
		if p.Contains(ip) {
			return nil
		}
	}
	for _, p := range blocked {
		if p.Contains(ip) {
			return fmt.Errorf("%w: %s is in %s", ErrForbiddenAddress, ip, p)
		}
	}
	return nil
}

// URLProblem is why a URL can't be a webhook target.
type URLProblem struct {
	// Forbidden says the URL is well formed but refused (its address, or http in
	// production mode); otherwise it is malformed or does not resolve.
	Forbidden bool
	Message   string
}

// CheckURL validates a webhook URL: absolute http(s) without credentials, HTTPS when
// required, and a host whose every address (after DNS) may be reached.
func (g Guard) CheckURL(ctx context.Context, raw string) *URLProblem {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
		return &URLProblem{Message: "The URL must be an absolute http or https URL."}
	}
	switch u.Scheme {
	case "https":
	case "http":
		if g.HTTPSOnly {
			return &URLProblem{Forbidden: true, Message: "The URL must use https."}
		}
	default:
		return &URLProblem{Message: "The URL must be an absolute http or https URL."}
	}
	if u.User != nil {
		return &URLProblem{Message: "The URL must not carry credentials."}
	}
	if u.Fragment != "" {
		return &URLProblem{Message: "The URL must not have a fragment."}
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		ctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
		defer cancel()
		ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil || len(ips) == 0 {
			return &URLProblem{Message: fmt.Sprintf("The host %q does not resolve.", host)}
		}
		addrs = ips
	}
	for _, a := range addrs {
		if err := g.CheckAddr(a); err != nil {
			return &URLProblem{Forbidden: true, Message: "The URL resolves to an address webhooks may not reach (loopback, private, link-local or metadata)."}
		}
	}
	return nil
}

// Client returns the HTTP client deliveries go through: no proxy, no redirects, the
// connect and total timeouts, and a dialer whose Control hook checks the very address it
// connects to (after DNS), so a name that resolves differently at delivery time (DNS
// rebinding) is still refused.
func (g Guard) Client(perHost int) *http.Client {
	d := &net.Dialer{
		Timeout: ConnectTimeout,
		Control: func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil {
				return fmt.Errorf("%w: %q is not an address", ErrForbiddenAddress, host)
			}
			return g.CheckAddr(ip)
		},
	}
	t := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		TLSHandshakeTimeout:   ConnectTimeout,
		ResponseHeaderTimeout: TotalTimeout,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   perHost,
		MaxConnsPerHost:       perHost,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{
		Transport: t,
		Timeout:   TotalTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a redirect is an answer, not a new target
		},
	}
}
