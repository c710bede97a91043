package contact

import "testing"

func TestValid(t *testing.T) {
	for s, want := range map[string]bool{
		"a@example.com": true, "A.B+c@sub.example.org": true, "a@localhost": false, "Ada <a@example.com>": false,
		"a@": false, "": false, "a b@example.com": false,
	} {
		if got := ValidEmail(s); got != want {
			t.Errorf("ValidEmail(%q) = %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]bool{"+14155550123": true, "+44 20 7946 0958": true, "4155550123": false, "+1 (415) x": false, "+123": false} {
		if got := ValidPhone(s); got != want {
			t.Errorf("ValidPhone(%q) = %v, want %v", s, got, want)
		}
	}
}
