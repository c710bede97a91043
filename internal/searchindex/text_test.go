package searchindex

import (
	"encoding/binary"
	"strings"
	"testing"
)

func TestFoldAndNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Crème Brûlée":        "creme brulee",
		"CAFÉ":                "cafe",
		"Oxford-0":            "oxford 0",
		"  Ångström  Ñandú ":  "angstrom nandu",
		"T-Shirt (XL) / Blue": "t shirt xl blue",
		"ﬁne":                 "fine", // compatibility ligature
		"":                    "",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"shirt", "shirt", 0},
		{"shrit", "shirt", 1},  // transposition
		{"shirts", "shirt", 1}, // deletion
		{"shirt", "shirts", 1}, // insertion
		{"shart", "shirt", 1},  // substitution
		{"snwboard", "snowboard", 1},
		{"sneaker", "speaker", 1},
		{"lamp", "mug", 4},
		{"café", "cafe", 1}, // runes, not bytes
	} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestDeletionsShareAKeyWithOneTypo(t *testing.T) {
	share := func(a, b string) bool {
		keys := map[string]bool{}
		for _, k := range deletions(a) {
			keys[k] = true
		}
		for _, k := range deletions(b) {
			if keys[k] {
				return true
			}
		}
		return false
	}
	for _, pair := range [][2]string{{"shrit", "shirt"}, {"snwboard", "snowboard"}, {"snowbaord", "snowboard"}, {"headphons", "headphones"}, {"wirless", "wireless"}} {
		if !share(pair[0], pair[1]) {
			t.Errorf("%q and %q share no deletion key", pair[0], pair[1])
		}
	}
	if share("lamp", "mugs") {
		t.Error("lamp and mugs share a key")
	}
}

func TestQuerySyntax(t *testing.T) {
	e := All{Word{Text: "linen"}, Any{Word{Text: "shirt", Prefix: true}, Phrase{"t", "shirt"}}}
	if got := sqliteSyntax.render(e, AnyField); got != `(linen AND (shirt* OR "t shirt"))` {
		t.Errorf("sqlite = %s", got)
	}
	if got := pgSyntax.render(e, AnyField); got != `('linen' & ('shirt':* | ('t' <-> 'shirt')))` {
		t.Errorf("postgres = %s", got)
	}
	if got := sqliteSyntax.render(Word{Text: "sale"}, TagsOnly); got != "tags:sale" {
		t.Errorf("sqlite tags = %s", got)
	}
	if got := pgSyntax.render(Phrase{"gift", "card"}, TagsOnly); got != "('gift':C <-> 'card':C)" {
		t.Errorf("postgres tags = %s", got)
	}
	// Words reach the engines' syntax only as letters and digits.
	if got := sqliteSyntax.render(Word{Text: `a"b*c) OR x`}, AnyField); strings.ContainsAny(got, `"*) `) {
		t.Errorf("unsafe word rendered as %s", got)
	}
}

func TestRankFavoursTitleMatches(t *testing.T) {
	// matchinfo 'pcnx' for one phrase over three columns (title, tags, body) in 100 rows.
	info := func(titleHits, bodyHits uint32) []byte {
		vals := []uint32{1, 3, 100, titleHits, 10, 5, 0, 0, 0, bodyHits, 50, 30}
		b := make([]byte, 4*len(vals))
		for i, v := range vals {
			binary.NativeEndian.PutUint32(b[i*4:], v)
		}
		return b
	}
	title, body := rankMatchinfo(info(1, 0)), rankMatchinfo(info(0, 1))
	if title <= body || body <= 0 {
		t.Errorf("title match ranks %d, body match %d", title, body)
	}
	if rankMatchinfo(nil) != 0 || rankMatchinfo([]byte{1, 2, 3}) != 0 {
		t.Error("short matchinfo should rank 0")
	}
}
