package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"storefront/ent/cart"
	"storefront/ent/product"
	"storefront/ent/productvariant"
	"storefront/ent/schema"
	"storefront/internal/gid"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// cartFixture is the catalog fixture plus discount codes, a tax rate for Canada and a
// "bulk" variant with plenty of stock.
func cartFixture(t testing.TB, db *store.DB) {
	fixture(t, db)
	ctx := context.Background()
	tee := db.Product.Query().Where(product.Handle("tee")).OnlyX(ctx)
	mug := db.Product.Query().Where(product.Handle("mug")).OnlyX(ctx)
	apparel := tee.QueryCollections().FirstX(ctx)
	bulk := db.Product.Create().SetHandle("bulk").SetTitle("Bulk Socks").SetPublished(true).SaveX(ctx)
	db.ProductVariant.Create().SetProduct(bulk).SetTitle("Default Title").SetPrice(100).SetAvailable(100000).
		SetSelectedOptions([]schema.SelectedOption{{Name: "Title", Value: "Default Title"}}).ExecX(ctx)
	min := int64(5000)
	limit := 3
	past := time.Now().Add(-48 * time.Hour)
	future := time.Now().Add(48 * time.Hour)
	db.DiscountCode.Create().SetCode("WELCOME10").SetKind("PERCENTAGE").SetValue(1000).ExecX(ctx)
	db.DiscountCode.Create().SetCode("FIVEOFF").SetKind("FIXED_AMOUNT").SetValue(500).ExecX(ctx)
	db.DiscountCode.Create().SetCode("HUGE").SetKind("FIXED_AMOUNT").SetValue(1_000_000).ExecX(ctx)
	db.DiscountCode.Create().SetCode("MIN50").SetKind("FIXED_AMOUNT").SetValue(500).SetMinimumSubtotal(min).ExecX(ctx)
	db.DiscountCode.Create().SetCode("APPAREL20").SetKind("PERCENTAGE").SetValue(2000).SetAppliesTo("COLLECTIONS").AddCollectionIDs(apparel.ID).ExecX(ctx)
	db.DiscountCode.Create().SetCode("MUG3").SetKind("FIXED_AMOUNT").SetValue(300).SetAppliesTo("PRODUCTS").AddProductIDs(mug.ID).ExecX(ctx)
	db.DiscountCode.Create().SetCode("EXPIRED").SetKind("PERCENTAGE").SetValue(1000).SetEndsAt(past).ExecX(ctx)
	db.DiscountCode.Create().SetCode("LATER").SetKind("PERCENTAGE").SetValue(1000).SetStartsAt(future).ExecX(ctx)
	db.DiscountCode.Create().SetCode("OFF").SetKind("PERCENTAGE").SetValue(1000).SetEnabled(false).ExecX(ctx)
	db.DiscountCode.Create().SetCode("USEDUP").SetKind("PERCENTAGE").SetValue(1000).SetUsageLimit(limit).SetUsageCount(limit).ExecX(ctx)
	once := db.DiscountCode.Create().SetCode("ONCE").SetKind("PERCENTAGE").SetValue(1000).SetOncePerCustomer(true).SaveX(ctx)
	db.DiscountRedemption.Create().SetDiscountCode(once).SetEmail("repeat@example.com").ExecX(ctx)
	db.TaxRate.Create().SetCountryCode("CA").SetName("GST").SetRatePpm(50000).ExecX(ctx)
}

func variantID(t testing.TB, db *store.DB, handle, title string) string {
	t.Helper()
	v := db.ProductVariant.Query().Where(productvariant.Title(title), productvariant.HasProductWith(product.Handle(handle))).OnlyX(context.Background())
	return gid.Format(gid.ProductVariant, v.ID)
}

const cartFields = `id checkoutUrl totalQuantity note
	attributes { key value }
	buyerIdentity { email phone countryCode }
	discountCodes { code applicable }
	discountAllocations { discountedAmount { amount } ... on CartCodeDiscountAllocation { code } }
	cost { subtotalAmount { amount currencyCode } totalAmount { amount } checkoutChargeAmount { amount } totalTaxAmount { amount } totalAmountEstimated subtotalAmountEstimated }
	lines(first: 250) { edges { cursor node { id quantity attributes { key value }
		cost { amountPerQuantity { amount } compareAtAmountPerQuantity { amount } subtotalAmount { amount } totalAmount { amount } }
		discountAllocations { discountedAmount { amount } ... on CartCodeDiscountAllocation { code } }
		merchandise { ... on ProductVariant { id title product { handle } } } } } }`

const payloadFields = `cart { ` + cartFields + ` } userErrors { code field message } warnings { code message target }`

type amount struct {
	Amount string `json:"amount"`
}

type cartJSON struct {
	ID            string `json:"id"`
	CheckoutURL   string `json:"checkoutUrl"`
	TotalQuantity int    `json:"totalQuantity"`
	Note          *string
	Attributes    []schema.Attribute
	BuyerIdentity struct {
		Email, Phone, CountryCode *string
	} `json:"buyerIdentity"`
	DiscountCodes []struct {
		Code       string `json:"code"`
		Applicable bool   `json:"applicable"`
	} `json:"discountCodes"`
	DiscountAllocations []struct {
		DiscountedAmount amount `json:"discountedAmount"`
		Code             string `json:"code"`
	} `json:"discountAllocations"`
	Cost struct {
		SubtotalAmount       amount  `json:"subtotalAmount"`
		TotalAmount          amount  `json:"totalAmount"`
		CheckoutChargeAmount amount  `json:"checkoutChargeAmount"`
		TotalTaxAmount       *amount `json:"totalTaxAmount"`
		TotalAmountEstimated bool    `json:"totalAmountEstimated"`
	} `json:"cost"`
	Lines struct {
		Edges []struct {
			Node struct {
				ID         string `json:"id"`
				Quantity   int    `json:"quantity"`
				Attributes []schema.Attribute
				Cost       struct {
					AmountPerQuantity          amount  `json:"amountPerQuantity"`
					CompareAtAmountPerQuantity *amount `json:"compareAtAmountPerQuantity"`
					SubtotalAmount             amount  `json:"subtotalAmount"`
					TotalAmount                amount  `json:"totalAmount"`
				} `json:"cost"`
				DiscountAllocations []struct {
					DiscountedAmount amount `json:"discountedAmount"`
					Code             string `json:"code"`
				} `json:"discountAllocations"`
				Merchandise struct {
					ID      string                  `json:"id"`
					Title   string                  `json:"title"`
					Product struct{ Handle string } `json:"product"`
				} `json:"merchandise"`
			} `json:"node"`
		} `json:"edges"`
	} `json:"lines"`
}

type userError struct {
	Code    string   `json:"code"`
	Field   []string `json:"field"`
	Message string   `json:"message"`
}

type warning struct {
	Code   string `json:"code"`
	Target string `json:"target"`
}

type payload struct {
	Cart       *cartJSON   `json:"cart"`
	UserErrors []userError `json:"userErrors"`
	Warnings   []warning   `json:"warnings"`
}

// mutate runs one cart mutation and returns its payload.
func (a *testAPI) mutate(t testing.TB, name, args string, vars map[string]any) payload {
	t.Helper()
	var decl []string
	for k, v := range vars {
		typ := "ID!"
		switch v.(type) {
		case []map[string]any:
			typ = map[string]string{"lines": "[CartLineInput!]!", "updates": "[CartLineUpdateInput!]!", "attributes": "[AttributeInput!]!"}[k]
		case map[string]any:
			typ = map[string]string{"input": "CartInput", "buyer": "CartBuyerIdentityInput!", "payment": "CartPaymentInput!"}[k]
		case []string:
			typ = map[string]string{"codes": "[String!]!", "lineIds": "[ID!]!"}[k]
		case string:
			if k == "note" {
				typ = "String!"
			}
		}
		decl = append(decl, "$"+k+": "+typ)
	}
	q := "mutation"
	if len(decl) > 0 {
		q += "(" + strings.Join(decl, ", ") + ")"
	}
	q += " { r: " + name
	if args != "" {
		q += "(" + args + ")"
	}
	q += " { " + payloadFields + " } }"
	var out struct {
		R payload `json:"r"`
	}
	a.post(t, q, vars).decode(t, &out)
	return out.R
}

func (a *testAPI) newCart(t testing.TB, lines ...map[string]any) *cartJSON {
	t.Helper()
	p := a.mutate(t, "cartCreate", "input: $input", map[string]any{"input": map[string]any{"lines": lines}})
	if len(p.UserErrors) > 0 || p.Cart == nil {
		t.Fatalf("cartCreate: %+v", p)
	}
	return p.Cart
}

func line(merch string, qty int, attrs ...schema.Attribute) map[string]any {
	l := map[string]any{"merchandiseId": merch, "quantity": qty}
	if len(attrs) > 0 {
		as := make([]map[string]any, len(attrs))
		for i, a := range attrs {
			as[i] = map[string]any{"key": a.Key, "value": a.Value}
		}
		l["attributes"] = as
	}
	return l
}

func wantUserError(t *testing.T, p payload, code string, field ...string) {
	t.Helper()
	if p.Cart != nil || len(p.UserErrors) == 0 || p.UserErrors[0].Code != code || strings.Join(p.UserErrors[0].Field, ".") != strings.Join(field, ".") {
		t.Fatalf("got cart %v userErrors %+v; want null cart and %s at %v", p.Cart != nil, p.UserErrors, code, field)
	}
}

func wantWarning(t *testing.T, p payload, code, target string) {
	t.Helper()
	for _, w := range p.Warnings {
		if w.Code == code && (target == "" || w.Target == target) {
			return
		}
	}
	t.Fatalf("got warnings %+v; want %s on %s", p.Warnings, code, target)
}

func TestCartLifecycle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, cartFixture)
		teeS := variantID(t, api.DB, "tee", "S / Black")
		mug := variantID(t, api.DB, "mug", "Default Title")
		gift := schema.Attribute{Key: "gift", Value: "yes"}

		p := api.mutate(t, "cartCreate", "input: $input", map[string]any{"input": map[string]any{
			"lines": []map[string]any{line(teeS, 1), line(teeS, 2), line(teeS, 1, gift), line(mug, 1)},
			"note":  "leave at the door", "attributes": []map[string]any{{"key": "source", "value": "test"}},
			"buyerIdentity": map[string]any{"email": "buyer@example.com"},
		}})
		if len(p.UserErrors) > 0 || p.Cart == nil {
			t.Fatalf("cartCreate: %+v", p)
		}
		c := p.Cart
		if !strings.HasPrefix(c.ID, "gid://storefront/Cart/") || !strings.Contains(c.ID, "?key=") {
			t.Errorf("cart id %q", c.ID)
		}
		if !strings.HasPrefix(c.CheckoutURL, "http://shop.test/checkout/") {
			t.Errorf("checkoutUrl %q", c.CheckoutURL)
		}
		if len(c.Lines.Edges) != 3 || c.TotalQuantity != 5 {
			t.Fatalf("got %d lines, %d units; want 3 lines (tee merged, gift tee apart, mug), 5 units", len(c.Lines.Edges), c.TotalQuantity)
		}
		l0 := c.Lines.Edges[0].Node
		if l0.Quantity != 3 || l0.Cost.AmountPerQuantity.Amount != "15.00" || l0.Cost.SubtotalAmount.Amount != "45.00" ||
			l0.Cost.CompareAtAmountPerQuantity == nil || l0.Merchandise.Product.Handle != "tee" {
			t.Errorf("first line %+v", l0)
		}
		// 45.00 + 15.00 + 9.99
		if c.Cost.SubtotalAmount.Amount != "69.99" || c.Cost.TotalAmount.Amount != "69.99" || c.Cost.CheckoutChargeAmount.Amount != "69.99" || c.Cost.TotalTaxAmount != nil {
			t.Errorf("cost %+v", c.Cost)
		}
		if c.Note == nil || *c.Note != "leave at the door" || len(c.Attributes) != 1 || c.BuyerIdentity.Email == nil {
			t.Errorf("note/attributes/buyer: %v %v %+v", c.Note, c.Attributes, c.BuyerIdentity)
		}

		// Read it back; a wrong key or a malformed ID reads as null.
		var got struct {
			Cart *cartJSON `json:"cart"`
		}
		api.post(t, `query($id: ID!) { cart(id: $id) { `+cartFields+` } }`, map[string]any{"id": c.ID}).decode(t, &got)
		if got.Cart == nil || got.Cart.TotalQuantity != 5 {
			t.Fatalf("cart(id) = %+v", got.Cart)
		}
		token := strings.TrimPrefix(strings.Split(c.ID, "?")[0], "gid://storefront/Cart/")
		for _, id := range []string{
			"gid://storefront/Cart/" + token + "?key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
			"gid://storefront/Cart/" + token,
			"gid://storefront/Cart/nope?key=nope",
			"not-an-id",
		} {
			got.Cart = nil
			api.post(t, `query($id: ID!) { cart(id: $id) { id } }`, map[string]any{"id": id}).decode(t, &got)
			if got.Cart != nil {
				t.Errorf("cart(%q) = %+v, want null", id, got.Cart)
			}
			wantUserError(t, api.mutate(t, "cartNoteUpdate", "cartId: $id, note: $note", map[string]any{"id": id, "note": "x"}), "INVALID", "cartId")
		}

		// Update quantities, merge by changing attributes, remove.
		giftLine := c.Lines.Edges[1].Node.ID
		p = api.mutate(t, "cartLinesUpdate", "cartId: $id, lines: $updates", map[string]any{"id": c.ID, "updates": []map[string]any{
			{"id": giftLine, "attributes": []map[string]any{}},
		}})
		if len(p.UserErrors) > 0 || len(p.Cart.Lines.Edges) != 2 || p.Cart.Lines.Edges[1].Node.Quantity != 4 && p.Cart.Lines.Edges[0].Node.Quantity != 4 {
			t.Fatalf("clearing the gift attribute should merge into the plain tee line: %+v", p)
		}
		var teeLine, mugLine string
		for _, e := range p.Cart.Lines.Edges {
			if e.Node.Merchandise.ID == mug {
				mugLine = e.Node.ID
			} else {
				teeLine = e.Node.ID
			}
		}
		p = api.mutate(t, "cartLinesUpdate", "cartId: $id, lines: $updates", map[string]any{"id": c.ID, "updates": []map[string]any{
			{"id": teeLine, "quantity": 2}, {"id": mugLine, "quantity": 0},
		}})
		if len(p.UserErrors) > 0 || len(p.Cart.Lines.Edges) != 1 || p.Cart.TotalQuantity != 2 {
			t.Fatalf("update to 2 and remove mug: %+v", p)
		}
		wantUserError(t, api.mutate(t, "cartLinesUpdate", "cartId: $id, lines: $updates", map[string]any{"id": c.ID, "updates": []map[string]any{
			{"id": mugLine, "quantity": 1}}}), "INVALID", "lines", "0", "id")
		wantUserError(t, api.mutate(t, "cartLinesRemove", "cartId: $id, lineIds: $lineIds", map[string]any{"id": c.ID, "lineIds": []string{"gid://storefront/CartLine/999999"}}), "INVALID", "lineIds", "0")
		p = api.mutate(t, "cartLinesRemove", "cartId: $id, lineIds: $lineIds", map[string]any{"id": c.ID, "lineIds": []string{teeLine}})
		if len(p.UserErrors) > 0 || p.Cart.TotalQuantity != 0 {
			t.Fatalf("remove: %+v", p)
		}

		// Another cart cannot touch this cart's lines.
		other := api.newCart(t, line(mug, 1))
		otherLine := other.Lines.Edges[0].Node.ID
		wantUserError(t, api.mutate(t, "cartLinesRemove", "cartId: $id, lineIds: $lineIds", map[string]any{"id": c.ID, "lineIds": []string{otherLine}}), "INVALID", "lineIds", "0")

		// Note and attributes.
		wantUserError(t, api.mutate(t, "cartNoteUpdate", "cartId: $id, note: $note", map[string]any{"id": c.ID, "note": strings.Repeat("n", 5001)}), "NOTE_TOO_LONG", "note")
		p = api.mutate(t, "cartNoteUpdate", "cartId: $id, note: $note", map[string]any{"id": c.ID, "note": ""})
		if p.Cart == nil || p.Cart.Note != nil {
			t.Errorf("empty note should clear: %+v", p.Cart)
		}
		wantUserError(t, api.mutate(t, "cartAttributesUpdate", "cartId: $id, attributes: $attributes", map[string]any{"id": c.ID, "attributes": []map[string]any{{"key": " ", "value": "x"}}}), "INVALID", "attributes", "0", "key")
		p = api.mutate(t, "cartAttributesUpdate", "cartId: $id, attributes: $attributes", map[string]any{"id": c.ID, "attributes": []map[string]any{{"key": "a", "value": "1"}, {"key": "b", "value": "2"}}})
		if p.Cart == nil || len(p.Cart.Attributes) != 2 {
			t.Errorf("attributes: %+v", p.Cart)
		}
	})
}

func TestCartLineErrorsAndStock(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, cartFixture)
		teeS := variantID(t, api.DB, "tee", "S / Black") // 10 in stock
		teeM := variantID(t, api.DB, "tee", "M / Black") // 5 in stock
		teeL := variantID(t, api.DB, "tee", "L / Black") // sold out
		draft := variantID(t, api.DB, "draft", "Default Title")
		bulk := variantID(t, api.DB, "bulk", "Default Title")
		c := api.newCart(t)
		add := func(lines ...map[string]any) payload {
			return api.mutate(t, "cartLinesAdd", "cartId: $id, lines: $lines", map[string]any{"id": c.ID, "lines": lines})
		}
		wantUserError(t, add(line("gid://storefront/ProductVariant/999999", 1)), "INVALID_MERCHANDISE_LINE", "lines", "0", "merchandiseId")
		wantUserError(t, add(line(teeS, 1), line(draft, 1)), "INVALID_MERCHANDISE_LINE", "lines", "1", "merchandiseId")
		wantUserError(t, add(line("junk", 1)), "INVALID_MERCHANDISE_LINE", "lines", "0", "merchandiseId")
		wantUserError(t, add(line("gid://storefront/Product/1", 1)), "INVALID_MERCHANDISE_LINE", "lines", "0", "merchandiseId")
		wantUserError(t, add(line(teeS, 0)), "LESS_THAN", "lines", "0", "quantity")
		wantUserError(t, add(line(teeS, 10001)), "MAXIMUM_EXCEEDED", "lines", "0", "quantity")
		// None of the refused mutations left anything behind.
		var got struct{ Cart cartJSON }
		api.post(t, `query($id: ID!) { cart(id: $id) { totalQuantity } }`, map[string]any{"id": c.ID}).decode(t, &got)
		if got.Cart.TotalQuantity != 0 {
			t.Fatalf("refused mutations changed the cart: %d units", got.Cart.TotalQuantity)
		}

		p := add(line(teeM, 7), line(teeL, 1))
		if len(p.UserErrors) > 0 || p.Cart.TotalQuantity != 5 {
			t.Fatalf("not enough stock: %+v", p)
		}
		wantWarning(t, p, "MERCHANDISE_NOT_ENOUGH_STOCK", p.Cart.Lines.Edges[0].Node.ID)
		wantWarning(t, p, "MERCHANDISE_OUT_OF_STOCK", teeL)
		// The stock of a variant is shared by its lines.
		p = add(line(teeM, 1, schema.Attribute{Key: "engraving", Value: "A"}))
		wantWarning(t, p, "MERCHANDISE_OUT_OF_STOCK", teeM)
		if p.Cart.TotalQuantity != 5 {
			t.Errorf("added beyond stock: %d units", p.Cart.TotalQuantity)
		}

		// A cart holds at most 500 lines.
		var many []map[string]any
		for i := 0; i < 495; i++ {
			many = append(many, line(bulk, 1, schema.Attribute{Key: "n", Value: fmt.Sprint(i)}))
		}
		if p := add(many...); len(p.UserErrors) > 0 || p.Cart.TotalQuantity != 500 {
			t.Fatalf("adding 495 lines: %+v", p.UserErrors)
		}
		wantUserError(t, add(line(bulk, 1, schema.Attribute{Key: "n", Value: "x"}), line(bulk, 1, schema.Attribute{Key: "n", Value: "y"}),
			line(bulk, 1, schema.Attribute{Key: "n", Value: "z"}), line(bulk, 1, schema.Attribute{Key: "n", Value: "w"}),
			line(bulk, 1, schema.Attribute{Key: "n", Value: "v"})), "CART_TOO_LARGE", "lines", "4")
	})
}

func TestCartDiscountsAndTax(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, cartFixture)
		teeS := variantID(t, api.DB, "tee", "S / Black") // 15.00, apparel
		mug := variantID(t, api.DB, "mug", "Default Title")
		c := api.newCart(t, line(teeS, 2), line(mug, 1)) // 30.00 + 9.99 = 39.99
		codes := func(cs ...string) payload {
			if cs == nil {
				cs = []string{}
			}
			return api.mutate(t, "cartDiscountCodesUpdate", "cartId: $id, discountCodes: $codes", map[string]any{"id": c.ID, "codes": cs})
		}
		p := codes("welcome10")
		if len(p.UserErrors) > 0 || len(p.Warnings) > 0 || len(p.Cart.DiscountCodes) != 1 || !p.Cart.DiscountCodes[0].Applicable {
			t.Fatalf("WELCOME10: %+v", p)
		}
		// 10% per line: 3.00 + 1.00 (0.999 rounds up) = 4.00 off 39.99.
		if len(p.Cart.DiscountAllocations) != 1 || p.Cart.DiscountAllocations[0].DiscountedAmount.Amount != "4.00" ||
			p.Cart.Cost.SubtotalAmount.Amount != "39.99" || p.Cart.Cost.TotalAmount.Amount != "35.99" {
			t.Fatalf("WELCOME10 cost: %+v %+v", p.Cart.DiscountAllocations, p.Cart.Cost)
		}
		// Line-level discounts show on the lines and lower the subtotal.
		p = codes("APPAREL20", "MUG3")
		l := p.Cart.Lines.Edges
		if len(l[0].Node.DiscountAllocations) != 1 || l[0].Node.DiscountAllocations[0].DiscountedAmount.Amount != "6.00" || l[0].Node.Cost.TotalAmount.Amount != "24.00" ||
			len(l[1].Node.DiscountAllocations) != 1 || l[1].Node.Cost.TotalAmount.Amount != "6.99" || p.Cart.Cost.SubtotalAmount.Amount != "30.99" {
			t.Fatalf("line discounts: %+v / %+v", l, p.Cart.Cost)
		}
		// A fixed amount bigger than the cart never makes a total negative.
		p = codes("HUGE")
		if p.Cart.Cost.TotalAmount.Amount != "0.00" || p.Cart.DiscountAllocations[0].DiscountedAmount.Amount != "39.99" {
			t.Fatalf("HUGE: %+v", p.Cart.Cost)
		}
		for code, want := range map[string]string{
			"NOPE":    "DISCOUNT_NOT_FOUND",
			"EXPIRED": "DISCOUNT_CURRENTLY_INACTIVE",
			"LATER":   "DISCOUNT_CURRENTLY_INACTIVE",
			"OFF":     "DISCOUNT_CURRENTLY_INACTIVE",
			"USEDUP":  "DISCOUNT_USAGE_LIMIT_REACHED",
			"MIN50":   "DISCOUNT_PURCHASE_NOT_IN_RANGE",
		} {
			p := codes(code)
			wantWarning(t, p, want, c.ID)
			if len(p.Cart.DiscountCodes) != 1 || p.Cart.DiscountCodes[0].Applicable || p.Cart.Cost.TotalAmount.Amount != "39.99" {
				t.Errorf("%s: codes %+v total %s", code, p.Cart.DiscountCodes, p.Cart.Cost.TotalAmount.Amount)
			}
		}
		// Once-per-customer codes need to know the buyer, and refuse a repeat buyer.
		p = codes("ONCE")
		wantWarning(t, p, "DISCOUNT_ELIGIBLE_CUSTOMER_MISSING", c.ID)
		p = api.mutate(t, "cartBuyerIdentityUpdate", "cartId: $id, buyerIdentity: $buyer", map[string]any{"id": c.ID, "buyer": map[string]any{"email": "repeat@example.com"}})
		wantWarning(t, p, "DISCOUNT_CUSTOMER_USAGE_LIMIT_REACHED", c.ID)
		p = api.mutate(t, "cartBuyerIdentityUpdate", "cartId: $id, buyerIdentity: $buyer", map[string]any{"id": c.ID, "buyer": map[string]any{"email": "new@example.com"}})
		if len(p.Warnings) > 0 || !p.Cart.DiscountCodes[0].Applicable {
			t.Fatalf("ONCE for a new buyer: %+v", p)
		}
		// Product codes without their products in the cart.
		c2 := api.newCart(t, line(teeS, 1))
		p = api.mutate(t, "cartDiscountCodesUpdate", "cartId: $id, discountCodes: $codes", map[string]any{"id": c2.ID, "codes": []string{"MUG3"}})
		wantWarning(t, p, "DISCOUNT_NO_ENTITLED_LINE_ITEMS", c2.ID)

		// Tax: an estimate from the rate of the buyer's country, null where none applies.
		codes()
		p = api.mutate(t, "cartBuyerIdentityUpdate", "cartId: $id, buyerIdentity: $buyer", map[string]any{"id": c.ID, "buyer": map[string]any{"countryCode": "CA"}})
		// 5% of 30.00 = 1.50; of 9.99 = 0.4995 → 0.50.
		if p.Cart.Cost.TotalTaxAmount == nil || p.Cart.Cost.TotalTaxAmount.Amount != "2.00" || p.Cart.Cost.TotalAmount.Amount != "41.99" || !p.Cart.Cost.TotalAmountEstimated {
			t.Fatalf("tax for CA: %+v", p.Cart.Cost)
		}
		p = api.mutate(t, "cartBuyerIdentityUpdate", "cartId: $id, buyerIdentity: $buyer", map[string]any{"id": c.ID, "buyer": map[string]any{"countryCode": "FR"}})
		if p.Cart.Cost.TotalTaxAmount != nil || p.Cart.Cost.TotalAmount.Amount != "39.99" {
			t.Fatalf("no rate for FR: %+v", p.Cart.Cost)
		}
		// Buyer identity validation.
		wantUserError(t, api.mutate(t, "cartBuyerIdentityUpdate", "cartId: $id, buyerIdentity: $buyer", map[string]any{"id": c.ID, "buyer": map[string]any{"email": "not an email"}}), "INVALID", "buyerIdentity", "email")
		wantUserError(t, api.mutate(t, "cartBuyerIdentityUpdate", "cartId: $id, buyerIdentity: $buyer", map[string]any{"id": c.ID, "buyer": map[string]any{"phone": "12"}}), "INVALID", "buyerIdentity", "phone")
		wantUserError(t, api.mutate(t, "cartBuyerIdentityUpdate", "cartId: $id, buyerIdentity: $buyer", map[string]any{"id": c.ID, "buyer": map[string]any{"customerAccessToken": "bogus"}}), "INVALID", "buyerIdentity", "customerAccessToken")

		// Prices are current: a price change shows on the next read.
		api.DB.ProductVariant.Update().Where(productvariant.Title("Default Title"), productvariant.HasProductWith(product.Handle("mug"))).SetPrice(1234).ExecX(context.Background())
		var got struct{ Cart cartJSON }
		api.post(t, `query($id: ID!) { cart(id: $id) { `+cartFields+` } }`, map[string]any{"id": c.ID}).decode(t, &got)
		if got.Cart.Lines.Edges[1].Node.Cost.AmountPerQuantity.Amount != "12.34" || got.Cart.Cost.SubtotalAmount.Amount != "42.34" {
			t.Fatalf("after a price change: %+v", got.Cart.Cost)
		}
	})
}

func TestExpiredAndCompletedCartsAreGone(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, cartFixture)
		mug := variantID(t, api.DB, "mug", "Default Title")
		ctx := context.Background()
		for _, tt := range []struct {
			name  string
			spoil func(token string)
		}{
			{"expired", func(token string) {
				api.DB.Cart.Update().Where(cart.Token(token)).SetUpdatedAt(time.Now().Add(-11 * 24 * time.Hour)).ExecX(ctx)
			}},
			{"completed", func(token string) {
				api.DB.Cart.Update().Where(cart.Token(token)).SetCompletedAt(time.Now()).ExecX(ctx)
			}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				c := api.newCart(t, line(mug, 1))
				tt.spoil(strings.TrimPrefix(strings.Split(c.ID, "?")[0], "gid://storefront/Cart/"))
				var got struct {
					Cart *cartJSON `json:"cart"`
				}
				api.post(t, `query($id: ID!) { cart(id: $id) { id } }`, map[string]any{"id": c.ID}).decode(t, &got)
				if got.Cart != nil {
					t.Fatalf("%s cart still readable", tt.name)
				}
				wantUserError(t, api.mutate(t, "cartLinesAdd", "cartId: $id, lines: $lines", map[string]any{"id": c.ID, "lines": []map[string]any{line(mug, 1)}}), "INVALID", "cartId")
			})
		}
	})
}

// TestConcurrentAddsLoseNothing: 50 buyers' tabs add one unit of the same line at once.
func TestConcurrentAddsLoseNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, cartFixture)
		bulk := variantID(t, api.DB, "bulk", "Default Title")
		c := api.newCart(t)
		var wg sync.WaitGroup
		errs := make(chan string, 50)
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := api.post(t, `mutation($id: ID!, $lines: [CartLineInput!]!) { cartLinesAdd(cartId: $id, lines: $lines) { userErrors { code } } }`,
					map[string]any{"id": c.ID, "lines": []map[string]any{line(bulk, 1)}})
				if r.Status != 200 || len(r.Errors) > 0 || strings.Contains(r.Raw, `"code"`) {
					errs <- r.Raw
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Errorf("concurrent add failed: %s", e)
		}
		var got struct{ Cart cartJSON }
		api.post(t, `query($id: ID!) { cart(id: $id) { totalQuantity lines(first: 5) { edges { node { quantity } } } } }`, map[string]any{"id": c.ID}).decode(t, &got)
		if got.Cart.TotalQuantity != 50 || len(got.Cart.Lines.Edges) != 1 {
			t.Fatalf("got %d units in %d lines, want 50 in 1", got.Cart.TotalQuantity, len(got.Cart.Lines.Edges))
		}
	})
}

// TestCartReadStatementsDoNotGrowWithLines reads a cart with 2 and with 100 lines (with
// line discounts, codes and tax) and counts SQL statements.
func TestCartReadStatementsDoNotGrowWithLines(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, cartFixture)
		bulk := variantID(t, api.DB, "bulk", "Default Title")
		mug := variantID(t, api.DB, "mug", "Default Title")
		cartWith := func(n int) string {
			lines := []map[string]any{line(mug, 1)}
			for i := 1; i < n; i++ {
				lines = append(lines, line(bulk, 1, schema.Attribute{Key: "n", Value: fmt.Sprint(i)}))
			}
			c := api.newCart(t, lines...)
			p := api.mutate(t, "cartDiscountCodesUpdate", "cartId: $id, discountCodes: $codes", map[string]any{"id": c.ID, "codes": []string{"WELCOME10", "MUG3", "APPAREL20", "ONCE"}})
			if len(p.UserErrors) > 0 {
				t.Fatal(p.UserErrors)
			}
			api.mutate(t, "cartBuyerIdentityUpdate", "cartId: $id, buyerIdentity: $buyer", map[string]any{"id": c.ID, "buyer": map[string]any{"countryCode": "CA", "email": "a@example.com"}})
			return c.ID
		}
		small, large := cartWith(2), cartWith(100)
		q := `query($id: ID!) { cart(id: $id) { ` + cartFields + ` } }`
		_, n2 := api.countedPost(t, q, map[string]any{"id": small})
		r, n100 := api.countedPost(t, q, map[string]any{"id": large})
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		t.Logf("statements: 2 lines → %d, 100 lines → %d", n2, n100)
		if n2 != n100 {
			t.Errorf("statements grew with lines: 2 lines → %d, 100 lines → %d", n2, n100)
		}
	})
}

func BenchmarkCart(b *testing.B) {
	api := startAPI(b, storetest.SQLite(b), cartFixture)
	teeS := variantID(b, api.DB, "tee", "S / Black")
	mug := variantID(b, api.DB, "mug", "Default Title")
	read := `query($id: ID!) { cart(id: $id) { ` + cartFields + ` } }`
	b.Run("create+add+read", func(b *testing.B) {
		for b.Loop() {
			c := api.mutate(b, "cartCreate", "input: $input", map[string]any{"input": map[string]any{"lines": []map[string]any{line(teeS, 1)}, "discountCodes": []string{"WELCOME10"}}})
			api.mutate(b, "cartLinesAdd", "cartId: $id, lines: $lines", map[string]any{"id": c.Cart.ID, "lines": []map[string]any{line(mug, 1)}})
			if r := api.post(b, read, map[string]any{"id": c.Cart.ID}); len(r.Errors) > 0 {
				b.Fatal(r.Errors)
			}
		}
	})
	c := api.newCart(b, line(teeS, 1), line(mug, 2))
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			if r := api.post(b, read, map[string]any{"id": c.ID}); len(r.Errors) > 0 {
				b.Fatal(r.Errors)
			}
		}
	})
	b.Run("add", func(b *testing.B) {
		bulk := variantID(b, api.DB, "bulk", "Default Title")
		c := api.newCart(b)
		for b.Loop() {
			api.mutate(b, "cartLinesAdd", "cartId: $id, lines: $lines", map[string]any{"id": c.ID, "lines": []map[string]any{line(bulk, 1)}})
		}
	})
}
