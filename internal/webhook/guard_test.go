package webhook

import (
	"errors"
	"net/http"
	"net/netip"
	"testing"
	"time"
)

func TestGuardCheckAddr(t *testing.T) {
	allow, err := ParseAllow("127.0.0.0/8, 10.9.8.7")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ip      string
		blocked bool // without the allow-list
		allowed bool // with it
	}{
		{"93.184.216.34", false, true},
		{"2606:2800:220:1:248:1893:25c8:1946", false, true},
		{"127.0.0.1", true, true},
		{"::ffff:127.0.0.1", true, true},
		{"10.9.8.7", true, true},
		{"10.9.8.8", true, false},
		{"172.16.5.4", true, false},
		{"192.168.0.1", true, false},
		{"169.254.169.254", true, false},
		{"100.64.0.1", true, false},
		{"0.0.0.0", true, false},
		{"::1", true, false},
		{"fe80::1", true, false},
		{"fd00:ec2::254", true, false},
		{"64:ff9b::a9fe:a9fe", true, false},
		{"224.0.0.1", true, false},
	} {
		ip := netip.MustParseAddr(c.ip)
		if err := (Guard{}).CheckAddr(ip); (err != nil) != c.blocked || (err != nil && !errors.Is(err, ErrForbiddenAddress)) {
			t.Errorf("%s without allow-list: got %v, want blocked=%v", c.ip, err, c.blocked)
		}
		if err := (Guard{Allow: allow}).CheckAddr(ip); (err == nil) != c.allowed {
			t.Errorf("%s with allow-list: got %v, want allowed=%v", c.ip, err, c.allowed)
		}
	}
	if _, err := ParseAllow("10.0.0.0/33"); err == nil {
		t.Error("bad CIDR accepted")
	}
}

func TestRetryAfterAndBackoff(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		v    string
		want time.Duration
	}{
		{"", 0}, {"junk", 0}, {"0", time.Second}, {"7", 7 * time.Second}, {"86400", time.Hour},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
	} {
		if got := parseRetryAfter(c.v, now); got != c.want {
			t.Errorf("Retry-After %q: got %s, want %s", c.v, got, c.want)
		}
	}
	s := &Service{cfg: Config{}}
	s.cfg.defaults()
	var total time.Duration
	for n := 1; n <= 14; n++ {
		d := s.backoff(n)
		base := min(15*time.Second<<(n-1), 4*time.Hour)
		if d < base-base/4 || d > base+base/4 {
			t.Errorf("retry %d: %s, want %s ± 25%%", n, d, base)
		}
		total += d
	}
	if total < 18*time.Hour || total > 30*time.Hour {
		t.Errorf("14 retries span %s, want about a day", total)
	}
}
