package graph

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestByteCacheStaysWithinItsBound: entries are evicted least recently used first so the
// cache's charged bytes never pass its limit, and entries larger than the largest kept
// are not stored.
func TestByteCacheStaysWithinItsBound(t *testing.T) {
	ctx := context.Background()
	c := newByteCache(1000, 300, func(k, v string) int64 { return int64(len(k) + len(v)) })
	for i := 0; i < 100; i++ {
		c.Add(ctx, fmt.Sprintf("k%03d", i), strings.Repeat("v", 96))
		if c.Bytes() > 1000 {
			t.Fatalf("after %d adds the cache holds %d bytes, more than 1000", i+1, c.Bytes())
		}
	}
	if c.Len() != 10 {
		t.Errorf("got %d entries, want 10", c.Len())
	}
	if _, ok := c.Get(ctx, "k099"); !ok {
		t.Error("the newest entry was evicted")
	}
	if _, ok := c.Get(ctx, "k000"); ok {
		t.Error("the oldest entry was kept")
	}
	c.Add(ctx, "big", strings.Repeat("v", 400))
	if _, ok := c.Get(ctx, "big"); ok {
		t.Error("an entry larger than the largest allowed was kept")
	}
	c.Add(ctx, "k099", "short")
	if c.Bytes() != int64(9*100+len("k099short")) {
		t.Errorf("replacing an entry: %d bytes charged", c.Bytes())
	}
}
