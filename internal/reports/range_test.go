package reports

import (
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"

	"storefront/internal/paging"
)

func TestParseRange(t *testing.T) {
	for _, c := range []struct {
		from, to string
		g        Granularity
		argument string // of the error; "" when valid
	}{
		{"2026-01-01", "2026-01-31", "", ""},
		{"2026-01-01", "2026-01-01", Month, ""},
		{"2026-02-30", "2026-03-01", Day, "from"},
		{"2026-03-01", "tomorrow", Day, "to"},
		{"2026-03-02", "2026-03-01", Day, "to"},
		{"2026-01-01", "2026-01-02", "YEAR", "granularity"},
		{"2024-01-01", "2026-12-31", Day, ""}, // 1,096 days
		{"2024-01-01", "2027-01-01", Day, "to"},
	} {
		_, err := ParseRange(c.from, c.to, c.g)
		var input *paging.InputError
		switch {
		case c.argument == "" && err != nil:
			t.Errorf("%s..%s %s: %v", c.from, c.to, c.g, err)
		case c.argument != "" && (!errors.As(err, &input) || input.Argument != c.argument):
			t.Errorf("%s..%s %s: got %v, want an input error on %s", c.from, c.to, c.g, err, c.argument)
		}
	}
}

// Periods are clipped to the range, weeks begin on Monday, and each day's bucket is the
// start of its period.
func TestPeriods(t *testing.T) {
	for _, c := range []struct {
		g    Granularity
		want string
	}{
		{Day, "[01-30..01-30 01-31..01-31 02-01..02-01 02-02..02-02 02-03..02-03]"},
		{Week, "[01-30..02-01 02-02..02-03]"}, // 2026-02-02 is a Monday
		{Month, "[01-30..01-31 02-01..02-03]"},
	} {
		r, err := ParseRange("2026-01-30", "2026-02-03", c.g)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range r.Periods() {
			got = append(got, p.Start.Format("01-02")+".."+p.End.Format("01-02"))
			for d := p.Start; !d.After(p.End); d = d.AddDate(0, 0, 1) {
				if b := r.Bucket(d.Format(time.DateOnly)); b != p.Start.Format(time.DateOnly) {
					t.Errorf("%s: bucket of %s is %s, want %s", c.g, d.Format(time.DateOnly), b, p.Start.Format(time.DateOnly))
				}
			}
		}
		if fmt.Sprint(got) != c.want {
			t.Errorf("%s: got %v, want %s", c.g, got, c.want)
		}
		if p := r.Previous(); p.FromDay() != "2026-01-25" || p.ToDay() != "2026-01-29" || p.Granularity != c.g {
			t.Errorf("%s: previous %s..%s %s", c.g, p.FromDay(), p.ToDay(), p.Granularity)
		}
	}
}

func TestParams(t *testing.T) {
	p := Params{From: "2026-01-01", To: "2026-01-07", Query: url.Values{"granularity": {"WEEK"}, "first": {"300"}, "compare": {"false"}}}
	if r, err := p.Range(); err != nil || r.Granularity != Week {
		t.Errorf("range %+v %v", r, err)
	}
	var input *paging.InputError
	if _, err := p.Int("first", 50, 1, 250); !errors.As(err, &input) || input.Argument != "first" {
		t.Errorf("first=300 of 1..250: %v", err)
	}
	if n, err := p.Int("missing", 50, 1, 250); n != 50 || err != nil {
		t.Errorf("default: %d %v", n, err)
	}
	if p.Compare() {
		t.Error("compare=false compares")
	}
	if Location("").String() != "UTC" || Location("Not/AZone").String() != "UTC" || Location("Asia/Kolkata").String() != "Asia/Kolkata" {
		t.Error("shop time zone names")
	}
}
