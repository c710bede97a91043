package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"storefront/ent/customer"
	"storefront/ent/order"
	"storefront/ent/schema"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// placeOrders writes orders for a customer the way checkout will: numbered, with lines, an
// address snapshot, discounts and a fulfillment on the first.
func placeOrders(t testing.TB, db *store.DB, email string, first int, totals ...int64) {
	t.Helper()
	ctx := context.Background()
	c := db.Customer.Query().Where(customer.EmailKey(email)).OnlyX(ctx)
	v := db.ProductVariant.Query().FirstX(ctx)
	for i, total := range totals {
		n := first + i
		addr := db.MailingAddress.Create().SetFirstName("Ada").SetAddress1("1 Main St").SetCity("Toronto").SetCountryCode("CA").SaveX(ctx)
		o := db.Order.Create().SetNumber(n).SetName(fmt.Sprintf("#%d", n)).SetEmail(c.Email).SetCustomerID(c.ID).
			SetCurrencyCode("USD").SetSubtotal(total).SetTotal(total).SetFinancialStatus("PAID").
			SetProcessedAt(time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC)).SetStatusToken(fmt.Sprintf("tok-%d", n)).
			SetShippingAddressID(addr.ID).SetBillingAddressID(addr.ID).
			SetDiscounts([]schema.OrderDiscount{{Code: "WELCOME10", Kind: "PERCENTAGE", Value: 1000, TargetSelection: "ALL"}}).
			SaveX(ctx)
		db.MailingAddress.UpdateOne(addr).SetOrderID(o.ID).ExecX(ctx)
		db.OrderLine.Create().SetOrderID(o.ID).SetVariantID(v.ID).SetTitle("Classic Tee").SetQuantity(2).SetCurrentQuantity(2).
			SetUnitPrice(total / 2).SetOriginalTotal(total).SetDiscountedTotal(total).ExecX(ctx)
		if i == 0 {
			db.Fulfillment.Create().SetOrderID(o.ID).SetTrackingCompany("UPS").SetTrackingNumbers([]string{"1Z999"}).SetTrackingUrls([]string{"https://track.example/1Z999"}).ExecX(ctx)
		}
	}
}

func TestCustomerOrders(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		createCustomer(t, api, "a@example.com", "password-a-123")
		createCustomer(t, api, "b@example.com", "password-b-123")
		ta, tb := signIn(t, api, "a@example.com", "password-a-123"), signIn(t, api, "b@example.com", "password-b-123")
		placeOrders(t, api.DB, "a@example.com", 1001, 3000, 1000, 2000)
		placeOrders(t, api.DB, "b@example.com", 1004, 500)
		type ordersJSON struct {
			Customer struct {
				NumberOfOrders string `json:"numberOfOrders"`
				Orders         struct {
					TotalCount string `json:"totalCount"`
					Edges      []struct {
						Cursor string `json:"cursor"`
						Node   struct {
							Name            string `json:"name"`
							OrderNumber     int    `json:"orderNumber"`
							StatusURL       string `json:"statusUrl"`
							FinancialStatus string `json:"financialStatus"`
							TotalPrice      amount `json:"totalPrice"`
							ShippingAddress *struct {
								Formatted []string `json:"formatted"`
							} `json:"shippingAddress"`
							LineItems struct {
								Nodes []struct {
									Title   string               `json:"title"`
									Variant *struct{ ID string } `json:"variant"`
								} `json:"nodes"`
							} `json:"lineItems"`
							DiscountApplications struct {
								Nodes []struct {
									Code  string `json:"code"`
									Value struct {
										Percentage float64 `json:"percentage"`
									} `json:"value"`
								} `json:"nodes"`
							} `json:"discountApplications"`
							SuccessfulFulfillments []struct {
								TrackingCompany string                    `json:"trackingCompany"`
								TrackingInfo    []struct{ Number string } `json:"trackingInfo"`
							} `json:"successfulFulfillments"`
						} `json:"node"`
					} `json:"edges"`
					PageInfo struct {
						HasNextPage bool `json:"hasNextPage"`
					} `json:"pageInfo"`
				} `json:"orders"`
			} `json:"customer"`
		}
		read := func(token, args string) ordersJSON {
			var got ordersJSON
			api.post(t, `query($t: String!) { customer(customerAccessToken: $t) { numberOfOrders orders(`+args+`) { totalCount
				edges { cursor node { name orderNumber statusUrl financialStatus totalPrice { amount }
					shippingAddress { formatted } lineItems(first: 10) { nodes { title variant { id } } }
					discountApplications(first: 5) { nodes { ... on DiscountCodeApplication { code } value { ... on PricingPercentageValue { percentage } } } }
					successfulFulfillments(first: 5) { trackingCompany trackingInfo(first: 5) { number } } } }
				pageInfo { hasNextPage } } } }`, map[string]any{"t": token}).decode(t, &got)
			return got
		}
		names := func(o ordersJSON) string {
			var ns []string
			for _, e := range o.Customer.Orders.Edges {
				ns = append(ns, e.Node.Name)
			}
			return strings.Join(ns, ",")
		}
		all := read(ta, "first: 10")
		if all.Customer.NumberOfOrders != "3" || all.Customer.Orders.TotalCount != "3" || names(all) != "#1001,#1002,#1003" {
			t.Fatalf("A's orders: %s (%s)", names(all), all.Customer.NumberOfOrders)
		}
		first := all.Customer.Orders.Edges[0].Node
		if first.OrderNumber != 1001 || first.TotalPrice.Amount != "30.00" || first.FinancialStatus != "PAID" ||
			!strings.HasSuffix(first.StatusURL, "/orders/status/tok-1001") || first.ShippingAddress == nil ||
			strings.Join(first.ShippingAddress.Formatted, "|") != "Ada|1 Main St|Toronto|Canada" ||
			len(first.LineItems.Nodes) != 1 || first.LineItems.Nodes[0].Variant == nil ||
			len(first.DiscountApplications.Nodes) != 1 || first.DiscountApplications.Nodes[0].Value.Percentage != 10 ||
			len(first.SuccessfulFulfillments) != 1 || first.SuccessfulFulfillments[0].TrackingInfo[0].Number != "1Z999" {
			t.Fatalf("first order: %+v", first)
		}
		for args, want := range map[string]string{
			"first: 10, sortKey: TOTAL_PRICE":                 "#1002,#1003,#1001",
			"first: 10, sortKey: PROCESSED_AT, reverse: true": "#1003,#1002,#1001",
			"first: 10, query: \"name:#1002\"":                "#1002",
			"first: 10, query: \"processed_at:>=2026-01-02\"": "#1002,#1003",
			"last: 1": "#1003",
		} {
			if got := names(read(ta, args)); got != want {
				t.Errorf("orders(%s) = %s, want %s", args, got, want)
			}
		}
		page := read(ta, "first: 2")
		if !page.Customer.Orders.PageInfo.HasNextPage {
			t.Error("first: 2 of 3 has no next page")
		}
		next := read(ta, fmt.Sprintf("first: 2, after: %q", page.Customer.Orders.Edges[1].Cursor))
		if names(next) != "#1003" {
			t.Errorf("second page = %s", names(next))
		}
		// B sees only B's order.
		if got := read(tb, "first: 10"); names(got) != "#1004" || got.Customer.NumberOfOrders != "1" {
			t.Fatalf("B's orders: %s", names(got))
		}
		// Orders are not reachable by node without their owner's token.
		o := api.DB.Order.Query().FirstX(context.Background())
		var n struct {
			Node *struct{ ID string } `json:"node"`
		}
		api.post(t, fmt.Sprintf(`{ node(id: "gid://storefront/Order/%d") { id } }`, o.ID), nil).decode(t, &n)
		if n.Node != nil {
			t.Error("an order is readable through node without authentication")
		}
		// A's address book does not include order snapshots.
		var book struct {
			Customer struct {
				Addresses struct {
					Nodes []struct{ ID string } `json:"nodes"`
				} `json:"addresses"`
			} `json:"customer"`
		}
		api.post(t, `query($t: String!) { customer(customerAccessToken: $t) { addresses(first: 10) { nodes { id } } } }`, map[string]any{"t": ta}).decode(t, &book)
		if len(book.Customer.Addresses.Nodes) != 0 {
			t.Errorf("order address snapshots leak into the address book: %+v", book)
		}
	})
}

// TestOrderNodeForItsOwner: node(id:) reads an order only with its owner's token in the
// X-Customer-Access-Token header; another customer's token reads null, like a made-up ID.
func TestOrderNodeForItsOwner(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		createCustomer(t, api, "a@example.com", "password-a-123")
		createCustomer(t, api, "b@example.com", "password-b-123")
		ta, tb := signIn(t, api, "a@example.com", "password-a-123"), signIn(t, api, "b@example.com", "password-b-123")
		placeOrders(t, api.DB, "a@example.com", 1001, 3000)
		o := api.DB.Order.Query().OnlyX(context.Background())
		query := fmt.Sprintf(`{ node(id: "gid://storefront/Order/%d") { ... on Order { name } } nodes(ids: ["gid://storefront/Order/%d", "gid://storefront/Order/999999"]) { id } }`, o.ID, o.ID)
		read := func(token string) (node *string, nodes int) {
			req, _ := http.NewRequest(http.MethodPost, api.URL+"/graphql", strings.NewReader(string(mustJSON(map[string]any{"query": query}))))
			req.Header.Set("Content-Type", "application/json")
			if token != "" {
				req.Header.Set("X-Customer-Access-Token", token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var got struct {
				Data struct {
					Node  *struct{ Name string } `json:"node"`
					Nodes []*struct{ ID string } `json:"nodes"`
				} `json:"data"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			for _, n := range got.Data.Nodes {
				if n != nil {
					nodes++
				}
			}
			if got.Data.Node != nil {
				return &got.Data.Node.Name, nodes
			}
			return nil, nodes
		}
		if name, n := read(ta); name == nil || *name != "#1001" || n != 1 {
			t.Fatalf("owner: node %v, %d nodes", name, n)
		}
		for _, token := range []string{tb, "", "made-up"} {
			if name, n := read(token); name != nil || n != 0 {
				t.Fatalf("token %q reads the order: %v, %d", token, name, n)
			}
		}
	})
}

// TestAdminOrdersQuery: the Admin API's orders(query:) searches in Shopify's syntax, combined
// with where and pagination; a malformed query is a BAD_USER_INPUT error.
func TestAdminOrdersQuery(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		createCustomer(t, api, "a@example.com", "password-a-123")
		createCustomer(t, api, "b@example.com", "password-b-123")
		placeOrders(t, api.DB, "a@example.com", 1001, 3000, 1000, 2000) // 2026-01-01..03
		placeOrders(t, api.DB, "b@example.com", 1004, 500)              // 2026-01-01
		ctx := context.Background()
		api.DB.Order.Update().Where(order.Number(1002)).SetFinancialStatus("REFUNDED").ExecX(ctx)
		api.DB.Order.Update().Where(order.Number(1003)).SetTest(true).ExecX(ctx)
		cb := api.DB.Customer.Query().Where(customer.EmailKey("b@example.com")).OnlyX(ctx)
		key := adminKey(t, api.DB, "orders:read")
		names := func(query string, where map[string]any) []string {
			t.Helper()
			var r struct {
				Orders struct {
					Edges []struct{ Node struct{ Name string } }
				}
			}
			api.adminPost(t, key, `query($q: String, $w: OrderWhereInput) { orders(first: 10, query: $q, where: $w, orderBy: {field: NUMBER, direction: ASC}) { edges { node { name } } } }`,
				map[string]any{"q": query, "w": where}).decode(t, &r)
			var out []string
			for _, e := range r.Orders.Edges {
				out = append(out, e.Node.Name)
			}
			return out
		}
		for _, c := range []struct {
			query string
			where map[string]any
			want  string
		}{
			{"", nil, "#1001 #1002 #1003 #1004"},
			{"#1002", nil, "#1002"},
			{"name:#1003", nil, "#1003"},
			{"b@example", nil, "#1004"},
			{"email:a@example.com", nil, "#1001 #1002 #1003"},
			{"financial_status:refunded", nil, "#1002"},
			{"NOT financial_status:refunded", nil, "#1001 #1003 #1004"},
			{"processed_at:>=2026-01-02", nil, "#1002 #1003"},
			{"test:true", nil, "#1003"},
			{fmt.Sprintf("customer_id:%d", cb.ID), nil, "#1004"},
			{"customer_id:gid://storefront/Customer/" + fmt.Sprint(cb.ID), nil, "#1004"},
			{"email:a@example.com OR test:true", map[string]any{"totalGT": 1500}, "#1001 #1003"},
		} {
			if got := strings.Join(names(c.query, c.where), " "); got != c.want {
				t.Errorf("orders(query: %q, where: %v) = %q, want %q", c.query, c.where, got, c.want)
			}
		}
		for _, bad := range []string{"financial_status:bogus", "test:maybe", "customer_id:abc"} {
			r := api.adminPost(t, key, `query($q: String) { orders(first: 10, query: $q) { edges { node { name } } } }`, map[string]any{"q": bad})
			if len(r.Errors) == 0 || !strings.Contains(r.Raw, "BAD_USER_INPUT") {
				t.Errorf("orders(query: %q): %s, want BAD_USER_INPUT", bad, r.Raw)
			}
		}
	})
}
