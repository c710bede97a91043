package reports

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
	_ "time/tzdata" // shop time zones work on hosts without a zoneinfo database

	"storefront/internal/paging"
)

// Granularity is the length of a report's periods.
type Granularity string

// Granularities of a report.
const (
	Day   Granularity = "DAY"
	Week  Granularity = "WEEK" // ISO weeks, Monday to Sunday
	Month Granularity = "MONTH"
)

// MaxRangeDays bounds a report's range (and so its work).
const MaxRangeDays = 1096

// Range is a report's span of the shop's calendar days, both ends included, split into
// periods of its Granularity. Its times are the days' dates at 00:00 UTC (a calendar
// day, not an instant).
type Range struct {
	From, To    time.Time
	Granularity Granularity
}

// ParseRange reads from and to (YYYY-MM-DD, days in the shop's time zone, both included)
// and a granularity (DAY when empty). The error is a *paging.InputError naming the
// argument.
func ParseRange(from, to string, g Granularity) (Range, error) {
	f, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return Range{}, &paging.InputError{Argument: "from", Message: "from must be a date such as 2026-01-31"}
	}
	t, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return Range{}, &paging.InputError{Argument: "to", Message: "to must be a date such as 2026-01-31"}
	}
	switch g {
	case "":
		g = Day
	case Day, Week, Month:
	default:
		return Range{}, &paging.InputError{Argument: "granularity", Message: "granularity must be DAY, WEEK or MONTH"}
	}
	r := Range{From: f, To: t, Granularity: g}
	switch {
	case t.Before(f):
		return Range{}, &paging.InputError{Argument: "to", Message: "to must not be before from"}
	case r.Days() > MaxRangeDays:
		return Range{}, &paging.InputError{Argument: "to", Message: fmt.Sprintf("a report covers at most %d days", MaxRangeDays)}
	}
	return r, nil
}

// Days is the number of days in the range.
func (r Range) Days() int { return int(r.To.Sub(r.From)/(24*time.Hour)) + 1 }

// Previous is the range of the same length that ends the day before this one begins.
func (r Range) Previous() Range {
	n := r.Days()
	return Range{From: r.From.AddDate(0, 0, -n), To: r.From.AddDate(0, 0, -1), Granularity: r.Granularity}
}

// FromDay and ToDay are the range's ends as YYYY-MM-DD.
func (r Range) FromDay() string { return r.From.Format(time.DateOnly) }
func (r Range) ToDay() string   { return r.To.Format(time.DateOnly) }

// Instants is the range as instants in loc: [start, end).
func (r Range) Instants(loc *time.Location) (time.Time, time.Time) {
	start := time.Date(r.From.Year(), r.From.Month(), r.From.Day(), 0, 0, 0, 0, loc)
	end := time.Date(r.To.Year(), r.To.Month(), r.To.Day()+1, 0, 0, 0, 0, loc)
	return start.UTC(), end.UTC()
}

// PeriodStart is the first day of the period of g that holds d (weeks begin on Monday).
func PeriodStart(d time.Time, g Granularity) time.Time {
	switch g {
	case Week:
		return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	case Month:
		return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return d
}

// NextPeriod is the first day of the period of g after the one that begins on d.
func NextPeriod(d time.Time, g Granularity) time.Time {
	switch g {
	case Week:
		return d.AddDate(0, 0, 7)
	case Month:
		return d.AddDate(0, 1, 0)
	}
	return d.AddDate(0, 0, 1)
}

// Period is one period of a range: its first and last day within the range.
type Period struct{ Start, End time.Time }

// Periods lists the range's periods, the first and last clipped to the range.
func (r Range) Periods() []Period {
	var out []Period
	for p := PeriodStart(r.From, r.Granularity); !p.After(r.To); p = NextPeriod(p, r.Granularity) {
		from, to := p, NextPeriod(p, r.Granularity).AddDate(0, 0, -1)
		if from.Before(r.From) {
			from = r.From
		}
		if to.After(r.To) {
			to = r.To
		}
		out = append(out, Period{from, to})
	}
	return out
}

// Bucket is the first day (YYYY-MM-DD) of the range's period that holds a YYYY-MM-DD
// day: the period's start, clipped to the range's.
func (r Range) Bucket(day string) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	d = PeriodStart(d, r.Granularity)
	if d.Before(r.From) {
		d = r.From
	}
	return d.Format(time.DateOnly)
}

// Range reads a report's range from its parameters: from, to and granularity.
func (p Params) Range() (Range, error) {
	return ParseRange(p.From, p.To, Granularity(p.Query.Get("granularity")))
}

// Int reads a whole-number parameter from lo to hi (def when not given).
func (p Params) Int(name string, def, lo, hi int) (int, error) {
	v := p.Query.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, &paging.InputError{Argument: name, Message: fmt.Sprintf("%s must be a whole number from %d to %d", name, lo, hi)}
	}
	return n, nil
}

// Compare says whether the report compares with the previous period (compare=false
// turns it off).
func (p Params) Compare() bool { return p.Query.Get("compare") != "false" }

// ShopTimezoneSQL is an SQL expression for the shop's IANA time zone name (empty when
// unset), for statements that read it with other things in one snapshot.
const ShopTimezoneSQL = `coalesce((SELECT iana_timezone FROM shops ORDER BY id LIMIT 1), '')`

// Location is the shop's time zone of a name read through ShopTimezoneSQL: UTC when unset
// or unknown. Its String() is the name reports show.
func Location(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Querier runs a query: a database, a transaction or an ent transaction.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ShopLocation reads the shop's time zone (UTC when unset or unknown).
func ShopLocation(ctx context.Context, q Querier) (*time.Location, error) {
	var name string
	if err := q.QueryRowContext(ctx, `SELECT `+ShopTimezoneSQL).Scan(&name); err != nil {
		return nil, fmt.Errorf("shop time zone: %w", err)
	}
	return Location(name), nil
}
