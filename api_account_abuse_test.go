package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	customerpkg "storefront/internal/customer"
	"storefront/internal/store"
	"storefront/internal/storetest"
	"storefront/internal/web"
)

// postAs sends one GraphQL operation with extra request headers (a customer access token,
// or the client address a trusted proxy reports).
func (a *testAPI) postAs(t testing.TB, headers map[string]string, query string, vars map[string]any) gqlResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.URL+"/graphql", strings.NewReader(string(mustJSON(map[string]any{"query": query, "variables": vars}))))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("post: %v", err)
		return gqlResponse{}
	}
	defer resp.Body.Close()
	var out gqlResponse
	out.Status = resp.StatusCode
	var raw json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		t.Errorf("decode: %v", err)
		return out
	}
	out.Raw = string(raw)
	_ = json.Unmarshal(raw, &out)
	return out
}

// startProxiedAPI serves the API behind a trusted proxy (the test client): each request
// can say which client address it comes from in X-Forwarded-For.
func startProxiedAPI(t testing.TB, b storetest.Backend, cfg config, fill func(t testing.TB, db *store.DB)) *testAPI {
	t.Helper()
	var err error
	if cfg.TrustedProxies, err = web.ParseProxies("127.0.0.1,::1"); err != nil {
		t.Fatal(err)
	}
	return startAPIWith(t, b, cfg, fill)
}

// from is the header naming the client address behind the trusted proxy.
func from(addr string) map[string]string { return map[string]string{"X-Forwarded-For": addr} }

// race runs n calls of f at once (all released together) and returns their results.
func race[T any](n int, f func(i int) T) []T {
	out := make([]T, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return out
}

const signInDoc = `mutation($signin: CustomerAccessTokenCreateInput!) { r: customerAccessTokenCreate(input: $signin) { customerAccessToken { accessToken } customerUserErrors { code } } }`

// signInOutcomes counts the answers to racing sign-ins: evaluated (the password was
// checked: a token or UNIDENTIFIED_CUSTOMER) and throttled (a THROTTLED error, nothing
// checked). Anything else fails the test.
func signInOutcomes(t *testing.T, rs []gqlResponse) (evaluated, throttled int) {
	t.Helper()
	for _, r := range rs {
		if r.errorCode() == "THROTTLED" {
			throttled++
			continue
		}
		var got struct {
			R struct {
				CustomerAccessToken *struct{ AccessToken string } `json:"customerAccessToken"`
				CustomerUserErrors  []userError                   `json:"customerUserErrors"`
			} `json:"r"`
		}
		if len(r.Errors) > 0 || json.Unmarshal(r.Data, &got) != nil {
			t.Errorf("unexpected answer: %s", r.Raw)
			continue
		}
		if got.R.CustomerAccessToken != nil || len(got.R.CustomerUserErrors) == 1 && got.R.CustomerUserErrors[0].Code == "UNIDENTIFIED_CUSTOMER" {
			evaluated++
		} else {
			t.Errorf("unexpected answer: %s", r.Raw)
		}
	}
	return evaluated, throttled
}

// TestSignInThrottleHoldsUnderConcurrency races 60 wrong passwords for one account and
// 150 for different accounts from one address, spread over two instances: no more
// passwords than the limits allow are checked.
func TestSignInThrottleHoldsUnderConcurrency(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		// Two instances over one database: requests alternate between them.
		apis := []*testAPI{startProxiedAPI(t, b, testConfig(), nil), startProxiedAPI(t, b, testConfig(), nil)}
		createCustomer(t, apis[0], "target@example.com", "the real password 9")
		t.Run("one account", func(t *testing.T) {
			rs := race(60, func(i int) gqlResponse {
				// From many addresses: only the per-account limit can stop this.
				return apis[i%2].postAs(t, from(fmt.Sprintf("198.51.100.%d", i)), signInDoc, map[string]any{"signin": map[string]any{"email": "target@example.com", "password": fmt.Sprintf("guess number %d", i)}})
			})
			evaluated, throttled := signInOutcomes(t, rs)
			t.Logf("60 concurrent wrong passwords for one account: %d evaluated, %d throttled", evaluated, throttled)
			if evaluated != customerpkg.MaxFailsAccount || throttled != 60-customerpkg.MaxFailsAccount {
				t.Fatalf("got %d evaluated and %d throttled, want %d and %d", evaluated, throttled, customerpkg.MaxFailsAccount, 60-customerpkg.MaxFailsAccount)
			}
		})
		t.Run("one address", func(t *testing.T) {
			rs := race(150, func(i int) gqlResponse {
				// A different account each time: only the per-address limit can stop this.
				return apis[i%2].postAs(t, from("203.0.113.7"), signInDoc, map[string]any{"signin": map[string]any{"email": fmt.Sprintf("user%d@example.com", i), "password": "some guess 1"}})
			})
			evaluated, throttled := signInOutcomes(t, rs)
			t.Logf("150 concurrent sign-ins from one address: %d evaluated, %d throttled", evaluated, throttled)
			if evaluated != customerpkg.MaxFailsIP || throttled != 150-customerpkg.MaxFailsIP {
				t.Fatalf("got %d evaluated and %d throttled, want %d and %d", evaluated, throttled, customerpkg.MaxFailsIP, 150-customerpkg.MaxFailsIP)
			}
		})
	})
}

// TestOneSignInPerOperationThroughFragments packs several sign-ins into one operation
// through a named fragment and an inline fragment on Mutation: the operation is refused
// and no password is checked.
func TestOneSignInPerOperationThroughFragments(t *testing.T) {
	api := startAPI(t, storetest.SQLite(t), fixture)
	createCustomer(t, api, "target@example.com", "the real password 9")
	// Each case guesses for its own account, so no case is stopped by another's failures.
	fields := func(email string, n int) string {
		var out []string
		for i := 0; i < n; i++ {
			out = append(out, fmt.Sprintf(`s%d: customerAccessTokenCreate(input: {email: %q, password: "guess number %d"}) { customerUserErrors { code } }`, i, email, i))
		}
		return strings.Join(out, " ")
	}
	for name, doc := range map[string]string{
		"named fragment":  `mutation { ...Guesses } fragment Guesses on Mutation { ` + fields("a@example.com", 8) + ` }`,
		"inline fragment": `mutation { ... on Mutation { ` + fields("b@example.com", 2) + ` } }`,
		"top level and nested fragments": `mutation { one: customerAccessTokenCreate(input: {email: "c@example.com", password: "guess 1"}) { customerUserErrors { code } }
			... { ...More } } fragment More on Mutation { ... on Mutation { two: customerAccessTokenCreate(input: {email: "c@example.com", password: "guess 2"}) { customerUserErrors { code } } } }`,
	} {
		t.Run(name, func(t *testing.T) {
			r := api.post(t, doc, nil)
			if len(r.Errors) == 0 {
				t.Fatalf("got %s, want THROTTLED errors", r.Raw)
			}
			for _, e := range r.Errors {
				if e.Extensions["code"] != "THROTTLED" {
					t.Fatalf("got %s, want only THROTTLED errors", r.Raw)
				}
			}
			if strings.Contains(r.Raw, "UNIDENTIFIED_CUSTOMER") {
				t.Fatalf("a password was checked: %s", r.Raw)
			}
		})
	}
}

// aliased repeats one mutation field n times under aliases in one operation.
func aliased(n int, field func(i int) string) string {
	var b strings.Builder
	b.WriteString("mutation {")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, " m%d: %s", i, field(i))
	}
	b.WriteString(" }")
	return b.String()
}

// wantOnlyThrottled fails unless r answered with THROTTLED errors and nothing else.
func wantOnlyThrottled(t *testing.T, r gqlResponse) {
	t.Helper()
	if len(r.Errors) == 0 {
		t.Fatalf("got %.300s, want THROTTLED errors", r.Raw)
	}
	for _, e := range r.Errors {
		if e.Extensions["code"] != "THROTTLED" {
			t.Fatalf("got %.300s, want only THROTTLED errors", r.Raw)
		}
	}
}

// countThrottled counts THROTTLED answers and fails on any other error.
func countThrottled(t *testing.T, rs []gqlResponse) (ok, throttled int) {
	t.Helper()
	for _, r := range rs {
		switch {
		case r.errorCode() == "THROTTLED":
			throttled++
		case len(r.Errors) > 0 || r.Status != http.StatusOK:
			t.Errorf("unexpected answer: %s", r.Raw)
		default:
			ok++
		}
	}
	return ok, throttled
}

// TestAccountMutationFloods: aliases cannot pack several account mutations into one
// request, and racing requests cannot get past the per-email limit on recovery mail or the
// per-address limits on customerCreate and customerRecover, on two instances at once.
func TestAccountMutationFloods(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		mailer := &customerpkg.LogMailer{}
		cfg := testConfig()
		cfg.Mailer = mailer
		apis := []*testAPI{startProxiedAPI(t, b, cfg, nil), startProxiedAPI(t, b, cfg, nil)}
		api := apis[0]
		createCustomer(t, api, "victim@example.com", "victim password 1")
		customers := func() int { return api.DB.Customer.Query().CountX(ctx) }
		resets := func() int { return api.DB.PasswordResetToken.Query().CountX(ctx) }

		t.Run("aliases", func(t *testing.T) {
			for name, doc := range map[string]string{
				"99 customerRecover": aliased(99, func(int) string {
					return `customerRecover(email: "victim@example.com") { customerUserErrors { code } }`
				}),
				"99 customerCreate": aliased(99, func(i int) string {
					return fmt.Sprintf(`customerCreate(input: {email: "flood%d@example.com", password: "flood password 1"}) { customer { id } }`, i)
				}),
				"customerCreate and customerRecover through a fragment": `mutation { customerCreate(input: {email: "mix@example.com", password: "mixed password 1"}) { customer { id } } ...R }
					fragment R on Mutation { customerRecover(email: "victim@example.com") { customerUserErrors { code } } }`,
				"customerReset and customerResetByUrl": `mutation { customerReset(id: "gid://storefront/Customer/1", input: {resetToken: "x", password: "some password 1"}) { customer { id } }
					customerResetByUrl(resetUrl: "http://shop.test/account/reset/1/x", password: "some password 1") { customer { id } } }`,
			} {
				t.Run(name, func(t *testing.T) {
					wantOnlyThrottled(t, api.postAs(t, from("192.0.2.1"), doc, nil))
				})
			}
			if n, m, r := customers(), len(mailer.Sent()), resets(); n != 1 || m != 0 || r != 0 {
				t.Fatalf("after the aliased floods: %d customers, %d emails, %d reset tokens; want 1, 0, 0", n, m, r)
			}
		})

		t.Run("recovery mail per email", func(t *testing.T) {
			rs := race(12, func(i int) gqlResponse {
				return apis[i%2].postAs(t, from(fmt.Sprintf("198.51.100.%d", i)), `mutation { customerRecover(email: "Victim@example.com") { customerUserErrors { code } } }`, nil)
			})
			ok, throttled := countThrottled(t, rs)
			if ok != customerpkg.MaxRecoverEmail || throttled != 12-customerpkg.MaxRecoverEmail {
				t.Fatalf("12 racing recoveries of one email: %d answered, %d throttled; want %d and %d", ok, throttled, customerpkg.MaxRecoverEmail, 12-customerpkg.MaxRecoverEmail)
			}
			if m, r := len(mailer.Sent()), resets(); m != customerpkg.MaxRecoverEmail || r != customerpkg.MaxRecoverEmail {
				t.Fatalf("%d emails and %d reset tokens, want %d", m, r, customerpkg.MaxRecoverEmail)
			}
		})

		t.Run("recovery per address", func(t *testing.T) {
			rs := race(20, func(i int) gqlResponse {
				return apis[i%2].postAs(t, from("203.0.113.9"), fmt.Sprintf(`mutation { customerRecover(email: "nobody%d@example.com") { customerUserErrors { code } } }`, i), nil)
			})
			if ok, throttled := countThrottled(t, rs); ok != customerpkg.MaxRecoverIP || throttled != 20-customerpkg.MaxRecoverIP {
				t.Fatalf("20 racing recoveries from one address: %d answered, %d throttled; want %d and %d", ok, throttled, customerpkg.MaxRecoverIP, 20-customerpkg.MaxRecoverIP)
			}
		})

		t.Run("accounts per address", func(t *testing.T) {
			before := customers()
			const n = customerpkg.MaxCreatesIP + 10
			rs := race(n, func(i int) gqlResponse {
				return apis[i%2].postAs(t, from("203.0.113.10"), fmt.Sprintf(`mutation { customerCreate(input: {email: "new%d@example.com", password: "new password 1"}) { customer { id } customerUserErrors { code } } }`, i), nil)
			})
			ok, throttled := countThrottled(t, rs)
			if made := customers() - before; ok != customerpkg.MaxCreatesIP || throttled != n-customerpkg.MaxCreatesIP || made != customerpkg.MaxCreatesIP {
				t.Fatalf("%d racing customerCreate from one address: %d answered, %d throttled, %d accounts made; want %d, %d, %d",
					n, ok, throttled, made, customerpkg.MaxCreatesIP, n-customerpkg.MaxCreatesIP, customerpkg.MaxCreatesIP)
			}
		})
	})
}

// recoverLink asks for a reset email for email and returns the link it carries.
func recoverLink(t *testing.T, api *testAPI, mailer *customerpkg.LogMailer, email string) string {
	t.Helper()
	before := len(mailer.Sent())
	p := api.customerOp(t, "customerRecover(email: $email)", custFields, map[string]any{"email": email})
	sent := mailer.Sent()
	if len(p.CustomerUserErrors) > 0 || p.errs.Raw != "" || len(sent) != before+1 {
		t.Fatalf("recover %s: %+v %s", email, p.CustomerUserErrors, p.errs.Raw)
	}
	body := sent[len(sent)-1].Body
	return strings.Fields(body[strings.Index(body, "http://shop.test/account/reset/"):])[0]
}

// resetByURL uses a reset link and returns the access token it gives, or "" with the
// error code (safe to call from several goroutines).
func resetByURL(t *testing.T, api *testAPI, link, password string) (token, code string) {
	t.Helper()
	p := api.customerOp(t, "customerResetByUrl(password: $password, resetUrl: $url)", "customerAccessToken { accessToken } "+custFields, map[string]any{"password": password, "url": link})
	switch {
	case p.errs.Raw != "":
		t.Errorf("reset: %s", p.errs.Raw)
	case p.CustomerAccessToken != nil:
		return p.CustomerAccessToken.AccessToken, ""
	case len(p.CustomerUserErrors) > 0:
		return "", p.CustomerUserErrors[0].Code
	default:
		t.Errorf("reset: neither a token nor an error: %+v", p.custPayload)
	}
	return "", ""
}

// TestResetEndsOtherTokens: using a reset link, or changing the password, ends every other
// reset link and every other access token; of several links used at once, one works.
func TestResetEndsOtherTokens(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		mailer := &customerpkg.LogMailer{}
		cfg := testConfig()
		cfg.Mailer = mailer
		api := startAPIWith(t, b, cfg, nil)

		t.Run("a newer link used", func(t *testing.T) {
			createCustomer(t, api, "one@example.com", "first password 1")
			session := signIn(t, api, "one@example.com", "first password 1")
			older, newer := recoverLink(t, api, mailer, "one@example.com"), recoverLink(t, api, mailer, "one@example.com")
			fresh, code := resetByURL(t, api, newer, "second password 2")
			if fresh == "" {
				t.Fatalf("newer link: %s", code)
			}
			if _, code := resetByURL(t, api, older, "third password 3"); code != "TOKEN_INVALID" {
				t.Fatalf("the older link after the newer one was used: got %q, want TOKEN_INVALID", code)
			}
			if customerEmail(t, api, session) != nil || customerEmail(t, api, fresh) == nil {
				t.Fatal("after a reset, want the earlier session ended and the returned token working")
			}
		})

		t.Run("password changed", func(t *testing.T) {
			createCustomer(t, api, "two@example.com", "first password 1")
			link := recoverLink(t, api, mailer, "two@example.com")
			session, other := signIn(t, api, "two@example.com", "first password 1"), signIn(t, api, "two@example.com", "first password 1")
			upd := api.customerOp(t, "customerUpdate(customer: $update, customerAccessToken: $token)", "customerAccessToken { accessToken } "+custFields,
				map[string]any{"token": session, "update": map[string]any{"password": "changed password 2"}})
			if upd.CustomerAccessToken == nil {
				t.Fatalf("update: %+v %s", upd.CustomerUserErrors, upd.errs.Raw)
			}
			if _, code := resetByURL(t, api, link, "third password 3"); code != "TOKEN_INVALID" {
				t.Fatalf("a link sent before the password change: got %q, want TOKEN_INVALID", code)
			}
			if customerEmail(t, api, other) != nil || customerEmail(t, api, upd.CustomerAccessToken.AccessToken) == nil {
				t.Fatal("after a password change, want other sessions ended and the returned token working")
			}
			signIn(t, api, "two@example.com", "changed password 2")
		})

		t.Run("links used at once", func(t *testing.T) {
			createCustomer(t, api, "three@example.com", "first password 1")
			var links []string
			for i := 0; i < customerpkg.MaxRecoverEmail; i++ {
				links = append(links, recoverLink(t, api, mailer, "three@example.com"))
			}
			type outcome struct{ token, code string }
			rs := race(len(links), func(i int) outcome {
				tok, code := resetByURL(t, api, links[i], fmt.Sprintf("raced password %d", i))
				return outcome{tok, code}
			})
			var won []int
			for i, r := range rs {
				switch {
				case r.token != "":
					won = append(won, i)
				case r.code != "TOKEN_INVALID":
					t.Errorf("link %d: got %q, want a token or TOKEN_INVALID", i, r.code)
				}
			}
			if len(won) != 1 {
				t.Fatalf("%d of %d links used at once worked, want 1", len(won), len(links))
			}
			signIn(t, api, "three@example.com", fmt.Sprintf("raced password %d", won[0]))
		})
	})
}

// TestCartRevealsCustomerOnlyToTheirToken: a cart attached to a customer shows that
// customer (and what is reached through them) only to requests presenting the customer's
// valid access token, and places orders in their name only then; after sign-out the cart
// ID alone reveals nothing and orders placed with it are guest orders.
func TestCartRevealsCustomerOnlyToTheirToken(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		api := startAPI(t, b, deliveryFixture)
		teeS := variantID(t, api.DB, "tee", "S / Black")
		createCustomer(t, api, "ada@example.com", "ada password 1")
		createCustomer(t, api, "bob@example.com", "bob password 1")
		ada, bob := signIn(t, api, "ada@example.com", "ada password 1"), signIn(t, api, "bob@example.com", "bob password 1")

		const sel = `buyerIdentity { email customer { email phone addresses(first: 5) { nodes { address1 } } orders(first: 5) { edges { node { statusUrl } } } } }`
		type cartView struct {
			BuyerIdentity struct {
				Email    *string
				Customer *struct{ Email string }
			} `json:"buyerIdentity"`
		}
		read := func(cartID string, headers map[string]string) cartView {
			t.Helper()
			var got struct{ Cart *cartView }
			api.postAs(t, headers, `query($id: ID!) { cart(id: $id) { `+sel+` } }`, map[string]any{"id": cartID}).decode(t, &got)
			if got.Cart == nil {
				t.Fatalf("cart %s not found", cartID)
			}
			return *got.Cart
		}
		as := func(token string) map[string]string { return map[string]string{"X-Customer-Access-Token": token} }
		attach := func(cartID, token string) cartView {
			t.Helper()
			var got struct {
				R struct {
					Cart       *cartView
					UserErrors []userError `json:"userErrors"`
				} `json:"r"`
			}
			api.post(t, `mutation($id: ID!, $t: String!) { r: cartBuyerIdentityUpdate(cartId: $id, buyerIdentity: {customerAccessToken: $t}) { cart { `+sel+` } userErrors { code field } } }`,
				map[string]any{"id": cartID, "t": token}).decode(t, &got)
			if got.R.Cart == nil || len(got.R.UserErrors) > 0 {
				t.Fatalf("cartBuyerIdentityUpdate: %+v", got.R)
			}
			return *got.R.Cart
		}
		customerOf := func(v cartView) string {
			if v.BuyerIdentity.Customer == nil {
				return ""
			}
			return v.BuyerIdentity.Customer.Email
		}

		cartID := readyCart(t, api, "test_success", line(teeS, 1))
		// The request that attaches the cart with Ada's token presents it.
		if got := customerOf(attach(cartID, ada)); got != "ada@example.com" {
			t.Fatalf("the attaching request sees customer %q, want ada@example.com", got)
		}
		for name, tt := range map[string]struct {
			headers map[string]string
			want    string
		}{
			"no token":             {nil, ""},
			"another's token":      {as(bob), ""},
			"a made-up token":      {as("not-a-token"), ""},
			"the customer's token": {as(ada), "ada@example.com"},
		} {
			if got := customerOf(read(cartID, tt.headers)); got != tt.want {
				t.Errorf("cart read with %s: customer %q, want %q", name, got, tt.want)
			}
		}

		// Ada signs out: her token no longer reveals her through the cart.
		api.customerOp(t, "customerAccessTokenDelete(customerAccessToken: $token)", "deletedAccessToken", map[string]any{"token": ada})
		if got := customerOf(read(cartID, as(ada))); got != "" {
			t.Errorf("after sign-out the cart still reveals customer %q", got)
		}
		// An order placed from the cart without her token is a guest order.
		if s := submit(t, api, cartID, "guest-order"); s.R.Result == nil || s.R.Result.Typename != "SubmitSuccess" {
			t.Fatalf("submit: %+v", s.R)
		}
		o := api.DB.Order.Query().OnlyX(ctx)
		if o.CustomerID != nil || o.Email == nil || *o.Email != "ada@example.com" {
			t.Fatalf("order without the token: has a customer %v, email %q; want a guest order under ada@example.com", o.CustomerID != nil, derefString(o.Email))
		}

		// With her valid token presented at completion, the order is hers.
		ada = signIn(t, api, "ada@example.com", "ada password 1")
		second := readyCart(t, api, "test_success", line(teeS, 1))
		attach(second, ada)
		var sub submitJSON
		api.postAs(t, as(ada), `mutation($id: ID!, $t: String!) { r: cartSubmitForCompletion(cartId: $id, attemptToken: $t) { result { __typename } userErrors { code } } }`,
			map[string]any{"id": second, "t": "customer-order"}).decode(t, &sub)
		if sub.R.Result == nil || sub.R.Result.Typename != "SubmitSuccess" {
			t.Fatalf("submit with the token: %+v", sub.R)
		}
		var orders struct {
			Customer struct {
				NumberOfOrders string `json:"numberOfOrders"`
			} `json:"customer"`
		}
		api.post(t, `query($t: String!) { customer(customerAccessToken: $t) { numberOfOrders } }`, map[string]any{"t": ada}).decode(t, &orders)
		if orders.Customer.NumberOfOrders != "1" {
			t.Fatalf("Ada has %s orders, want 1 (the one placed with her token)", orders.Customer.NumberOfOrders)
		}
	})
}

// derefString is *p, or "" for nil.
func derefString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
