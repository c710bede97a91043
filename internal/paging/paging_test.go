package paging

import (
	"encoding/json"
	"testing"
	"time"
)

// A cursor's hand-written encoding must be json.Marshal's, and decode again.
func TestCursorEncodingMatchesEncodingJSON(t *testing.T) {
	for _, c := range []cursor{
		{Key: "ID", ID: 1},
		{Key: "VPOS", Values: []any{int64(0)}, ID: 42},
		{Key: "CBEST_SELLING", Values: []any{int64(-7), 3}, ID: 9007199254740993},
		{Key: "PRICE", Values: []any{"a<b"}, ID: 5},
		{Key: "TITLE", Values: []any{"Wool & <cotton>"}, ID: 5},
		{Key: "CREATED_AT", Values: []any{time.Date(2026, 12, 4, 1, 2, 3, 4, time.UTC)}, ID: 5},
		{Key: "RELEVANCE", Values: []any{1.5}, ID: 2},
		{Key: "k<&>", Values: []any{int64(1)}, ID: 2},
		{Key: "ünï", ID: 2},
		{Key: "", Values: []any{}, ID: 3},
	} {
		want, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		fast, ok := c.appendJSON(nil)
		if ok && string(fast) != string(want) {
			t.Errorf("%+v: wrote %s, encoding/json %s", c, fast, want)
		}
		if integers := c.Key == "VPOS" || c.Key == "ID" || c.Key == "CBEST_SELLING"; integers && !ok {
			t.Errorf("%+v: integer cursor not encoded by hand", c)
		}
	}
	p, err := Slice([]int{10, 20, 30}, "VPOS", func(v int) (int64, int) { return int64(v), v }, Args{First: ptr(2)})
	if err != nil {
		t.Fatal(err)
	}
	next, err := Slice([]int{10, 20, 30}, "VPOS", func(v int) (int64, int) { return int64(v), v }, Args{First: ptr(2), After: &p.Cursors[1]})
	if err != nil || len(next.Items) != 1 || next.Items[0] != 30 {
		t.Fatalf("page after %s: %+v %v", p.Cursors[1], next, err)
	}
}

func ptr[T any](v T) *T { return &v }

// SliceEnds pages exactly as Slice does, with the same first and last cursors, whatever
// the window (forward, backward, after, before, reversed, one item, none).
func TestSliceEndsPagesAsSlice(t *testing.T) {
	type item struct{ pos, id int }
	var items []item
	for i := range 7 {
		items = append(items, item{pos: i / 2, id: 10 + i})
	}
	pos := func(it item) (int64, int) { return int64(it.pos), it.id }
	n := func(v int) *int { return &v }
	all, err := Slice(items, "T", pos, Args{First: n(10)})
	if err != nil {
		t.Fatal(err)
	}
	windows := []Args{{First: n(3)}, {Last: n(2)}, {First: n(1)}, {First: n(10), Reverse: true}, {Last: n(3), Reverse: true},
		{First: n(2), After: &all.Cursors[2]}, {Last: n(2), Before: &all.Cursors[5]}, {First: n(3), After: &all.Cursors[6]}}
	for _, a := range windows {
		want, err := Slice(items, "T", pos, a)
		if err != nil {
			t.Fatal(err)
		}
		got, err := SliceEnds(items, "T", pos, a)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Items) != len(want.Items) || len(got.Cursors) != len(want.Items) || got.HasNextPage != want.HasNextPage || got.HasPreviousPage != want.HasPreviousPage {
			t.Fatalf("%+v: got %+v, want %+v", a, got, want)
		}
		for i := range want.Items {
			if got.Items[i] != want.Items[i] {
				t.Fatalf("%+v: item %d differs", a, i)
			}
		}
		if k := len(want.Cursors); k > 0 && (got.Cursors[0] != want.Cursors[0] || got.Cursors[k-1] != want.Cursors[k-1]) {
			t.Fatalf("%+v: end cursors %q %q, want %q %q", a, got.Cursors[0], got.Cursors[k-1], want.Cursors[0], want.Cursors[k-1])
		}
	}
}
