package respcache

import (
	"testing"
	"time"
)

func TestNormalizeKeepsMeaningDropsLayout(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"query  Q ( $h: String! ) {\n  product(handle: $h) { id, title } }", "query Q($h:String!){product(handle:$h){id title}}"},
		{"# comment\n{ a  b }", "{a b}"},
		{`{ products(query: "tag:sale  # not a comment, \"quoted\"") { id } }`, `{products(query:"tag:sale  # not a comment, \"quoted\""){id}}`},
		{`{ a(s: """ block  "x" """) }`, `{a(s:""" block  "x" """)}`},
		{"{ ... on Product { id } }", "{...on Product{id}}"},
	} {
		if got := normalize(c.in); got != c.want {
			t.Errorf("normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestBoundsAndGenerations: the cache stays within its bytes by evicting the least recently
// used entry, entries expire, and a response computed before an invalidation is not stored.
func TestBoundsAndGenerations(t *testing.T) {
	const size = 1000
	c := New(Config{MaxBytes: 8 * size})
	now := time.Unix(0, 0)
	c.now = func() time.Time { return now }
	put := func(key string) {
		_, gen := c.get(key)
		c.put(&entry{key: key, expires: now.Add(time.Minute), size: size}, gen)
	}
	keys := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	for _, k := range keys {
		put(k)
	}
	c.get("a") // a is now the most recently used
	put("i")   // evicts b, the least recently used
	if e, _ := c.get("b"); e != nil {
		t.Fatal("b survived eviction")
	}
	for _, k := range []string{"a", "c", "h", "i"} {
		if e, _ := c.get(k); e == nil {
			t.Fatalf("%s was evicted", k)
		}
	}
	if s := c.Stats(); s.Evictions != 1 || s.Bytes != 8*size {
		t.Fatalf("stats %+v, want 1 eviction and %d bytes", s, 8*size)
	}
	c.put(&entry{key: "huge", expires: now.Add(time.Minute), size: 2 * size}, c.gen)
	if e, _ := c.get("huge"); e != nil {
		t.Fatal("an entry above an eighth of the bound was stored")
	}
	now = now.Add(2 * time.Minute)
	if e, _ := c.get("a"); e != nil {
		t.Fatal("an expired entry was served")
	}
	_, gen := c.get("x")
	c.Invalidate()
	c.put(&entry{key: "x", expires: now.Add(time.Minute), size: 1}, gen)
	if e, _ := c.get("x"); e != nil {
		t.Fatal("a response computed before an invalidation was stored")
	}
}
