package gid

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in     string
		typ    string
		id     int
		wantOK bool
	}{
		{"gid://storefront/Product/12", "Product", 12, true},
		{"gid://storefront/Product/12?variant=1", "Product", 12, true},
		{"gid://storefront/Product/0", "", 0, false},
		{"gid://storefront/Product/-3", "", 0, false},
		{"gid://storefront/Product/abc", "", 0, false},
		{"gid://shopify/Product/12", "Product", 12, true},
		{"gid://shopify/Cart/12?key=x", "Cart", 12, true},
		{"gid://shopify/Product/x", "", 0, false},
		{"gid://other/Product/12", "", 0, false},
		{"gid://storefront//12", "", 0, false},
		{"gid://storefront/Product/99999999999999999999", "", 0, false},
		{"", "", 0, false},
		{"12", "", 0, false},
	}
	for _, tt := range tests {
		typ, id, ok := Parse(tt.in)
		if ok != tt.wantOK || typ != tt.typ || id != tt.id {
			t.Errorf("Parse(%q) = %q, %d, %v; want %q, %d, %v", tt.in, typ, id, ok, tt.typ, tt.id, tt.wantOK)
		}
	}
	if got := Format(Collection, 7); got != "gid://storefront/Collection/7" {
		t.Errorf("Format = %q", got)
	}
	if _, ok := ParseAs("gid://storefront/Page/3", Product); ok {
		t.Errorf("ParseAs accepted a Page ID as a Product ID")
	}
}
