package money

import (
	"errors"
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		amount   int64
		currency string
		want     string
	}{
		{1250, "USD", "12.50"},
		{5, "USD", "0.05"},
		{0, "EUR", "0.00"},
		{-199, "USD", "-1.99"},
		{1500, "JPY", "1500"},
		{1234, "KWD", "1.234"},
		{7, "KWD", "0.007"},
		{-7, "KWD", "-0.007"},
		{-5, "USD", "-0.05"},
		{-1500, "JPY", "-1500"},
		{100, "USD", "1.00"},
		{math.MaxInt64, "USD", "92233720368547758.07"},
		{math.MinInt64, "USD", "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := Format(tt.amount, tt.currency); got != tt.want {
			t.Errorf("Format(%d, %s) = %q, want %q", tt.amount, tt.currency, got, tt.want)
		}
		if got := string(AppendFormat([]byte("x"), tt.amount, tt.currency)); got != "x"+tt.want {
			t.Errorf("AppendFormat(x, %d, %s) = %q, want %q", tt.amount, tt.currency, got, "x"+tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in       string
		currency string
		want     int64
		wantErr  bool
	}{
		{"12.50", "USD", 1250, false},
		{"12.5", "USD", 1250, false},
		{"12", "USD", 1200, false},
		{".5", "USD", 50, false},
		{"-3.10", "USD", -310, false},
		{"12.500", "USD", 1250, false},
		{"12.505", "USD", 0, true},
		{"1500", "JPY", 1500, false},
		{"1500.5", "JPY", 0, true},
		{"1e2", "USD", 0, true},
		{"", "USD", 0, true},
		{"abc", "USD", 0, true},
		{"99999999999999999999", "USD", 0, true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, tt.currency)
		if tt.wantErr {
			if !errors.Is(err, ErrInvalidAmount) {
				t.Errorf("Parse(%q, %s) error = %v, want ErrInvalidAmount", tt.in, tt.currency, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q, %s) = %d, %v; want %d", tt.in, tt.currency, got, err, tt.want)
		}
	}
}

func TestFromFloat(t *testing.T) {
	for _, tt := range []struct {
		f    float64
		want int64
	}{{10, 1000}, {19.99, 1999}, {0.1 + 0.2, 30}, {0, 0}} {
		got, err := FromFloat(tt.f, "USD")
		if err != nil || got != tt.want {
			t.Errorf("FromFloat(%v) = %d, %v; want %d", tt.f, got, err, tt.want)
		}
	}
}
