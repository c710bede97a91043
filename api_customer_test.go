package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"storefront/ent/customer"
	customerpkg "storefront/internal/customer"
	"storefront/internal/storetest"
)

type custPayload struct {
	Customer *struct {
		ID             string `json:"id"`
		Email          string `json:"email"`
		DisplayName    string `json:"displayName"`
		DefaultAddress *struct {
			ID string `json:"id"`
		} `json:"defaultAddress"`
	} `json:"customer"`
	CustomerAccessToken *struct {
		AccessToken string `json:"accessToken"`
		ExpiresAt   string `json:"expiresAt"`
	} `json:"customerAccessToken"`
	CustomerAddress *struct {
		ID            string   `json:"id"`
		Formatted     []string `json:"formatted"`
		FormattedArea *string  `json:"formattedArea"`
		Country       *string  `json:"country"`
		CountryCodeV2 *string  `json:"countryCodeV2"`
		Name          *string  `json:"name"`
	} `json:"customerAddress"`
	DeletedCustomerAddressID *string     `json:"deletedCustomerAddressId"`
	DeletedAccessToken       *string     `json:"deletedAccessToken"`
	CustomerUserErrors       []userError `json:"customerUserErrors"`
	UserErrors               []userError `json:"userErrors"`
}

const custFields = `customerUserErrors { code field message }`

// customerOp runs one customer mutation with a body selecting what the payload has.
func (a *testAPI) customerOp(t testing.TB, call, selection string, vars map[string]any) payload2 {
	t.Helper()
	var decl []string
	for k := range vars {
		decl = append(decl, "$"+k+": "+map[string]string{
			"input": "CustomerCreateInput!", "signin": "CustomerAccessTokenCreateInput!", "token": "String!",
			"update": "CustomerUpdateInput!", "address": "MailingAddressInput!", "id": "ID!", "email": "String!",
			"reset": "CustomerResetInput!", "password": "String!", "url": "URL!",
		}[k])
	}
	q := "mutation(" + strings.Join(decl, ", ") + ") { r: " + call + " { " + selection + " } }"
	r := a.post(t, q, vars)
	var out struct {
		R custPayload `json:"r"`
	}
	if len(r.Errors) > 0 {
		return payload2{errs: r}
	}
	r.decode(t, &out)
	return payload2{custPayload: out.R}
}

type payload2 struct {
	custPayload
	errs gqlResponse
}

func createCustomer(t testing.TB, api *testAPI, email, password string) {
	t.Helper()
	p := api.customerOp(t, "customerCreate(input: $input)", "customer { id email } "+custFields, map[string]any{"input": map[string]any{"email": email, "password": password, "firstName": "Ada", "lastName": "Lovelace"}})
	if p.Customer == nil || len(p.CustomerUserErrors) > 0 {
		t.Fatalf("customerCreate %s: %+v %+v", email, p.CustomerUserErrors, p.errs.Raw)
	}
}

func signIn(t testing.TB, api *testAPI, email, password string) string {
	t.Helper()
	p := api.customerOp(t, "customerAccessTokenCreate(input: $signin)", "customerAccessToken { accessToken expiresAt } "+custFields, map[string]any{"signin": map[string]any{"email": email, "password": password}})
	if p.CustomerAccessToken == nil {
		t.Fatalf("sign in %s: %+v %s", email, p.CustomerUserErrors, p.errs.Raw)
	}
	return p.CustomerAccessToken.AccessToken
}

func customerEmail(t testing.TB, api *testAPI, token string) *string {
	t.Helper()
	var got struct {
		Customer *struct{ Email string } `json:"customer"`
	}
	api.post(t, `query($t: String!) { customer(customerAccessToken: $t) { email } }`, map[string]any{"t": token}).decode(t, &got)
	if got.Customer == nil {
		return nil
	}
	return &got.Customer.Email
}

func TestCustomerAccount(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		const pw = "correct horse battery"
		createCustomer(t, api, "Ada@Example.com", pw)
		for _, tt := range []struct {
			name  string
			input map[string]any
			code  string
			field string
		}{
			{"taken, any case", map[string]any{"email": "ada@example.COM", "password": pw}, "TAKEN", "input.email"},
			{"blank email", map[string]any{"email": " ", "password": pw}, "BLANK", "input.email"},
			{"bad email", map[string]any{"email": "ada@", "password": pw}, "INVALID", "input.email"},
			{"short password", map[string]any{"email": "b@example.com", "password": "short"}, "TOO_SHORT", "input.password"},
			{"long password", map[string]any{"email": "b@example.com", "password": strings.Repeat("p", 257)}, "TOO_LONG", "input.password"},
			{"padded password", map[string]any{"email": "b@example.com", "password": " " + pw}, "PASSWORD_STARTS_OR_ENDS_WITH_WHITESPACE", "input.password"},
			{"html name", map[string]any{"email": "b@example.com", "password": pw, "firstName": "<b>Bob</b>"}, "CONTAINS_HTML_TAGS", "input.firstName"},
			{"url name", map[string]any{"email": "b@example.com", "password": pw, "lastName": "visit https://spam.example"}, "CONTAINS_URL", "input.lastName"},
			{"long name", map[string]any{"email": "b@example.com", "password": pw, "lastName": strings.Repeat("x", 256)}, "TOO_LONG", "input.lastName"},
			{"bad phone", map[string]any{"email": "b@example.com", "password": pw, "phone": "call me"}, "INVALID", "input.phone"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				p := api.customerOp(t, "customerCreate(input: $input)", "customer { id } userErrors { field message } "+custFields, map[string]any{"input": tt.input})
				if p.Customer != nil || len(p.CustomerUserErrors) == 0 || p.CustomerUserErrors[0].Code != tt.code || strings.Join(p.CustomerUserErrors[0].Field, ".") != tt.field {
					t.Fatalf("got %+v, want %s on %s", p.CustomerUserErrors, tt.code, tt.field)
				}
			})
		}

		// Wrong password and unknown email get the same answer.
		wrong := api.customerOp(t, "customerAccessTokenCreate(input: $signin)", "customerAccessToken { accessToken } "+custFields, map[string]any{"signin": map[string]any{"email": "ada@example.com", "password": "wrong password"}})
		unknown := api.customerOp(t, "customerAccessTokenCreate(input: $signin)", "customerAccessToken { accessToken } "+custFields, map[string]any{"signin": map[string]any{"email": "nobody@example.com", "password": "wrong password"}})
		if wrong.CustomerAccessToken != nil || fmt.Sprint(wrong.CustomerUserErrors) != fmt.Sprint(unknown.CustomerUserErrors) || wrong.CustomerUserErrors[0].Code != "UNIDENTIFIED_CUSTOMER" {
			t.Fatalf("wrong password %+v vs unknown email %+v", wrong.CustomerUserErrors, unknown.CustomerUserErrors)
		}
		token := signIn(t, api, "ADA@example.com", pw)
		if e := customerEmail(t, api, token); e == nil || *e != "Ada@Example.com" {
			t.Fatalf("customer(token) = %v", e)
		}
		if customerEmail(t, api, "not-a-token") != nil {
			t.Fatal("a made-up token reads a customer")
		}
		renew := api.customerOp(t, "customerAccessTokenRenew(customerAccessToken: $token)", "customerAccessToken { accessToken expiresAt } userErrors { field message }", map[string]any{"token": token})
		if renew.CustomerAccessToken == nil || renew.CustomerAccessToken.AccessToken != token {
			t.Fatalf("renew: %+v", renew)
		}

		// A second session; a password change revokes both and returns a fresh token.
		other := signIn(t, api, "ada@example.com", pw)
		upd := api.customerOp(t, "customerUpdate(customer: $update, customerAccessToken: $token)", "customer { displayName } customerAccessToken { accessToken } "+custFields,
			map[string]any{"token": token, "update": map[string]any{"password": "a brand new secret", "firstName": "Augusta"}})
		if upd.Customer == nil || upd.CustomerAccessToken == nil || upd.Customer.DisplayName != "Augusta Lovelace" {
			t.Fatalf("update: %+v %s", upd.custPayload, upd.errs.Raw)
		}
		if customerEmail(t, api, token) != nil || customerEmail(t, api, other) != nil {
			t.Fatal("old tokens still work after a password change")
		}
		fresh := upd.CustomerAccessToken.AccessToken
		if customerEmail(t, api, fresh) == nil {
			t.Fatal("the fresh token does not work")
		}
		bad := api.customerOp(t, "customerUpdate(customer: $update, customerAccessToken: $token)", "customer { id } "+custFields, map[string]any{"token": token, "update": map[string]any{"firstName": "X"}})
		if len(bad.CustomerUserErrors) == 0 || bad.CustomerUserErrors[0].Code != "TOKEN_INVALID" {
			t.Fatalf("update with a revoked token: %+v", bad.CustomerUserErrors)
		}
		del := api.customerOp(t, "customerAccessTokenDelete(customerAccessToken: $token)", "deletedAccessToken userErrors { field message }", map[string]any{"token": fresh})
		if del.DeletedAccessToken == nil || customerEmail(t, api, fresh) != nil {
			t.Fatalf("delete: %+v", del)
		}
		again := api.customerOp(t, "customerAccessTokenDelete(customerAccessToken: $token)", "deletedAccessToken userErrors { field message }", map[string]any{"token": fresh})
		if again.DeletedAccessToken != nil || len(again.UserErrors) == 0 {
			t.Fatalf("deleting twice: %+v", again)
		}

		// A disabled customer cannot sign in.
		api.DB.Customer.Update().Where(customer.EmailKey("ada@example.com")).SetDisabled(true).ExecX(context.Background())
		dis := api.customerOp(t, "customerAccessTokenCreate(input: $signin)", "customerAccessToken { accessToken } "+custFields, map[string]any{"signin": map[string]any{"email": "ada@example.com", "password": "a brand new secret"}})
		if dis.CustomerAccessToken != nil || dis.CustomerUserErrors[0].Code != "CUSTOMER_DISABLED" {
			t.Fatalf("disabled: %+v", dis.CustomerUserErrors)
		}
	})
}

const addressSel = "customerAddress { id formatted formattedArea country countryCodeV2 name } " + custFields

func TestCustomerAddressesAndIsolation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, cartFixture)
		createCustomer(t, api, "a@example.com", "password-a-123")
		createCustomer(t, api, "b@example.com", "password-b-123")
		ta, tb := signIn(t, api, "a@example.com", "password-a-123"), signIn(t, api, "b@example.com", "password-b-123")
		addr := map[string]any{"firstName": "Ada", "lastName": "L", "address1": "1 Main St", "city": "Toronto", "province": "ON", "zip": "M5V 2T6", "country": "Canada"}
		p := api.customerOp(t, "customerAddressCreate(address: $address, customerAccessToken: $token)", addressSel, map[string]any{"token": ta, "address": addr})
		if p.CustomerAddress == nil || p.CustomerAddress.CountryCodeV2 == nil || *p.CustomerAddress.CountryCodeV2 != "CA" ||
			strings.Join(p.CustomerAddress.Formatted, "|") != "Ada L|1 Main St|Toronto ON M5V 2T6|Canada" || *p.CustomerAddress.FormattedArea != "Toronto, ON, Canada" {
			t.Fatalf("create address: %+v %s", p.custPayload, p.errs.Raw)
		}
		aAddr := p.CustomerAddress.ID
		p2 := api.customerOp(t, "customerAddressCreate(address: $address, customerAccessToken: $token)", addressSel, map[string]any{"token": ta, "address": map[string]any{"address1": "2 Side St", "country": "us"}})
		second := p2.CustomerAddress.ID
		for name, tt := range map[string]struct {
			address map[string]any
			code    string
		}{
			"unknown country": {map[string]any{"country": "Atlantis"}, "INVALID"},
			"html":            {map[string]any{"address1": "<script>x</script>"}, "CONTAINS_HTML_TAGS"},
			"too long":        {map[string]any{"city": strings.Repeat("c", 300)}, "TOO_LONG"},
		} {
			p := api.customerOp(t, "customerAddressCreate(address: $address, customerAccessToken: $token)", addressSel, map[string]any{"token": ta, "address": tt.address})
			if p.CustomerAddress != nil || len(p.CustomerUserErrors) == 0 || p.CustomerUserErrors[0].Code != tt.code {
				t.Errorf("%s: %+v", name, p.CustomerUserErrors)
			}
		}

		// Every path by which B could reach A's address fails exactly as a made-up ID does.
		missing := "gid://storefront/MailingAddress/999999"
		for _, id := range []string{aAddr, missing} {
			up := api.customerOp(t, "customerAddressUpdate(address: $address, customerAccessToken: $token, id: $id)", addressSel, map[string]any{"token": tb, "id": id, "address": map[string]any{"city": "Hacked"}})
			del := api.customerOp(t, "customerAddressDelete(customerAccessToken: $token, id: $id)", "deletedCustomerAddressId "+custFields, map[string]any{"token": tb, "id": id})
			def := api.customerOp(t, "customerDefaultAddressUpdate(addressId: $id, customerAccessToken: $token)", "customer { id } "+custFields, map[string]any{"token": tb, "id": id})
			for name, p := range map[string]payload2{"update": up, "delete": del, "default": def} {
				if p.CustomerAddress != nil || p.DeletedCustomerAddressID != nil || p.Customer != nil || len(p.CustomerUserErrors) != 1 || p.CustomerUserErrors[0].Code != "NOT_FOUND" {
					t.Errorf("B %s of %s: %+v", name, id, p.custPayload)
				}
			}
			var n struct {
				Node  *struct{ ID string }   `json:"node"`
				Nodes []*struct{ ID string } `json:"nodes"`
			}
			api.post(t, `query($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }`, map[string]any{"id": id}).decode(t, &n)
			if n.Node != nil || len(n.Nodes) != 1 || n.Nodes[0] != nil {
				t.Errorf("node(%s) = %+v", id, n)
			}
		}
		var bView struct {
			Customer struct {
				Addresses struct {
					Nodes []struct{ ID string } `json:"nodes"`
				} `json:"addresses"`
				DefaultAddress *struct{ ID string } `json:"defaultAddress"`
			} `json:"customer"`
		}
		api.post(t, `query($t: String!) { customer(customerAccessToken: $t) { addresses(first: 10) { nodes { id } } defaultAddress { id } } }`, map[string]any{"t": tb}).decode(t, &bView)
		if len(bView.Customer.Addresses.Nodes) != 0 || bView.Customer.DefaultAddress != nil {
			t.Errorf("B sees addresses: %+v", bView)
		}
		// A's address is untouched; A manages it.
		var aView struct {
			Customer struct {
				Addresses struct {
					Nodes []struct {
						ID   string
						City *string
					} `json:"nodes"`
				} `json:"addresses"`
				DefaultAddress *struct{ ID string } `json:"defaultAddress"`
			} `json:"customer"`
		}
		readA := func() {
			api.post(t, `query($t: String!) { customer(customerAccessToken: $t) { addresses(first: 10) { nodes { id city } } defaultAddress { id } } }`, map[string]any{"t": ta}).decode(t, &aView)
		}
		readA()
		if len(aView.Customer.Addresses.Nodes) != 2 || *aView.Customer.Addresses.Nodes[0].City != "Toronto" || aView.Customer.DefaultAddress.ID != aAddr {
			t.Fatalf("A's addresses: %+v", aView)
		}
		def := api.customerOp(t, "customerDefaultAddressUpdate(addressId: $id, customerAccessToken: $token)", "customer { defaultAddress { id } } "+custFields, map[string]any{"token": ta, "id": second})
		if def.Customer == nil || def.Customer.DefaultAddress.ID != second {
			t.Fatalf("default update: %+v", def.custPayload)
		}
		del := api.customerOp(t, "customerAddressDelete(customerAccessToken: $token, id: $id)", "deletedCustomerAddressId "+custFields, map[string]any{"token": ta, "id": second})
		if del.DeletedCustomerAddressID == nil || *del.DeletedCustomerAddressID != second {
			t.Fatalf("delete: %+v", del.custPayload)
		}
		readA()
		if len(aView.Customer.Addresses.Nodes) != 1 || aView.Customer.DefaultAddress == nil || aView.Customer.DefaultAddress.ID != aAddr {
			t.Fatalf("after deleting the default: %+v", aView)
		}

		// A cart takes the customer of a valid token, and refuses another's made-up one.
		mug := variantID(t, api.DB, "mug", "Default Title")
		c := api.newCart(t, line(mug, 1))
		var bi struct {
			R struct {
				Cart *struct {
					BuyerIdentity struct {
						Email    *string
						Customer *struct{ Email string }
					} `json:"buyerIdentity"`
				} `json:"cart"`
				UserErrors []userError `json:"userErrors"`
			} `json:"r"`
		}
		api.post(t, `mutation($id: ID!, $t: String!) { r: cartBuyerIdentityUpdate(cartId: $id, buyerIdentity: {customerAccessToken: $t}) { cart { buyerIdentity { email customer { email } } } userErrors { code field } } }`,
			map[string]any{"id": c.ID, "t": tb}).decode(t, &bi)
		if bi.R.Cart == nil || bi.R.Cart.BuyerIdentity.Customer == nil || bi.R.Cart.BuyerIdentity.Customer.Email != "b@example.com" || *bi.R.Cart.BuyerIdentity.Email != "b@example.com" {
			t.Fatalf("cart buyer identity: %+v", bi)
		}
	})
}

func TestPasswordReset(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		mailer := &customerpkg.LogMailer{}
		cfg := testConfig()
		cfg.Mailer = mailer
		api := startAPIWith(t, b, cfg, fixture)
		createCustomer(t, api, "reset@example.com", "old password 1")
		oldToken := signIn(t, api, "reset@example.com", "old password 1")
		known := api.customerOp(t, "customerRecover(email: $email)", custFields, map[string]any{"email": "reset@example.com"})
		unknown := api.customerOp(t, "customerRecover(email: $email)", custFields, map[string]any{"email": "nobody@example.com"})
		if fmt.Sprint(known.custPayload) != fmt.Sprint(unknown.custPayload) || len(known.CustomerUserErrors) != 0 {
			t.Fatalf("recover answers differ: %+v vs %+v", known.custPayload, unknown.custPayload)
		}
		sent := mailer.Sent()
		if len(sent) != 1 || sent[0].To != "reset@example.com" {
			t.Fatalf("mail: %+v", sent)
		}
		url := sent[0].Body[strings.Index(sent[0].Body, "http://shop.test/account/reset/"):]
		url = strings.Fields(url)[0]
		short := api.customerOp(t, "customerResetByUrl(password: $password, resetUrl: $url)", "customer { email } "+custFields, map[string]any{"password": "short", "url": url})
		if len(short.CustomerUserErrors) == 0 || short.CustomerUserErrors[0].Code != "TOO_SHORT" {
			t.Fatalf("short password: %+v", short.CustomerUserErrors)
		}
		ok := api.customerOp(t, "customerResetByUrl(password: $password, resetUrl: $url)", "customer { email } customerAccessToken { accessToken } "+custFields, map[string]any{"password": "new password 2", "url": url})
		if ok.Customer == nil || ok.CustomerAccessToken == nil {
			t.Fatalf("reset: %+v %s", ok.custPayload, ok.errs.Raw)
		}
		if customerEmail(t, api, oldToken) != nil {
			t.Error("old token survives a reset")
		}
		reuse := api.customerOp(t, "customerResetByUrl(password: $password, resetUrl: $url)", "customer { email } "+custFields, map[string]any{"password": "newer password 3", "url": url})
		if len(reuse.CustomerUserErrors) == 0 || reuse.CustomerUserErrors[0].Code != "TOKEN_INVALID" {
			t.Fatalf("reused link: %+v", reuse.CustomerUserErrors)
		}
		signIn(t, api, "reset@example.com", "new password 2")
		// customerReset with the ID and token from a second email.
		api.customerOp(t, "customerRecover(email: $email)", custFields, map[string]any{"email": "reset@example.com"})
		body := mailer.Sent()[1].Body
		link := strings.Fields(body[strings.Index(body, "http://shop.test/account/reset/"):])[0]
		parts := strings.Split(strings.TrimPrefix(link, "http://shop.test/account/reset/"), "/")
		wrongID := api.customerOp(t, "customerReset(id: $id, input: $reset)", "customer { email } "+custFields, map[string]any{"id": "gid://storefront/Customer/999999", "reset": map[string]any{"resetToken": parts[1], "password": "third password 3"}})
		if len(wrongID.CustomerUserErrors) == 0 || wrongID.CustomerUserErrors[0].Code != "TOKEN_INVALID" {
			t.Fatalf("reset with another customer's id: %+v", wrongID.CustomerUserErrors)
		}
		r := api.customerOp(t, "customerReset(id: $id, input: $reset)", "customer { email } customerAccessToken { accessToken } "+custFields, map[string]any{"id": "gid://storefront/Customer/" + parts[0], "reset": map[string]any{"resetToken": parts[1], "password": "third password 3"}})
		if r.CustomerAccessToken == nil {
			t.Fatalf("customerReset: %+v", r.custPayload)
		}
	})
}

func TestSignInThrottlingAndSecrets(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		const pw = "the real password 9"
		createCustomer(t, api, "target@example.com", pw)
		good := signIn(t, api, "target@example.com", pw)
		for i := 0; i < customerpkg.MaxFailsAccount; i++ {
			p := api.customerOp(t, "customerAccessTokenCreate(input: $signin)", "customerAccessToken { accessToken } "+custFields, map[string]any{"signin": map[string]any{"email": "target@example.com", "password": fmt.Sprintf("guess number %d", i)}})
			if p.errs.Raw != "" {
				t.Fatalf("attempt %d throttled early: %s", i, p.errs.Raw)
			}
		}
		// Now even the right password is refused for a while, with a THROTTLED error.
		p := api.customerOp(t, "customerAccessTokenCreate(input: $signin)", "customerAccessToken { accessToken } "+custFields, map[string]any{"signin": map[string]any{"email": "Target@example.com", "password": pw}})
		if p.errs.errorCode() != "THROTTLED" {
			t.Fatalf("11th attempt: %+v %s", p.custPayload, p.errs.Raw)
		}
		// Aliases cannot pack several guesses into one request.
		r := api.post(t, `mutation { a: customerAccessTokenCreate(input: {email: "x@example.com", password: "guess one 1"}) { customerAccessToken { accessToken } }
			b: customerAccessTokenCreate(input: {email: "x@example.com", password: "guess two 2"}) { customerAccessToken { accessToken } } }`, nil)
		if r.errorCode() != "THROTTLED" {
			t.Fatalf("aliased sign-ins: %s", r.Raw)
		}
		// No password or token in the logs or error messages.
		logs := api.Log.String()
		for _, secret := range []string{pw, "guess number 3", good} {
			if strings.Contains(logs, secret) || strings.Contains(p.errs.Raw, secret) {
				t.Errorf("secret %q appears in logs or errors", secret)
			}
		}
	})
}

// TestUnknownEmailDoesTheSameHashing checks that signing in with an unknown email runs one
// argon2id comparison, as a known email does, so timing does not tell them apart.
func TestUnknownEmailDoesTheSameHashing(t *testing.T) {
	db := storetest.SQLite(t).Open(t)
	svc, err := customerpkg.New(db, customerpkg.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pw := "some password 1"
	if _, errs, err := svc.Create(ctx, customerpkg.Input{Email: ptrStr("known@example.com"), Password: &pw}, ""); err != nil || errs != nil {
		t.Fatal(err, errs)
	}
	before := svc.HashChecks()
	svc.SignIn(ctx, "known@example.com", "wrong password", "")
	known := svc.HashChecks() - before
	svc.SignIn(ctx, "unknown@example.com", "wrong password", "")
	unknown := svc.HashChecks() - before - known
	if known != 1 || unknown != 1 {
		t.Fatalf("argon2id comparisons: known email %d, unknown email %d; want 1 and 1", known, unknown)
	}
}

func ptrStr(s string) *string { return &s }

func TestSignInThrottlingPerClientAddress(t *testing.T) {
	api := startAPI(t, storetest.SQLite(t), fixture)
	for i := 0; i < customerpkg.MaxFailsIP; i++ {
		// A different account each time: only the per-address limit can stop this.
		p := api.customerOp(t, "customerAccessTokenCreate(input: $signin)", "customerAccessToken { accessToken } "+custFields,
			map[string]any{"signin": map[string]any{"email": fmt.Sprintf("user%d@example.com", i), "password": "some guess 1"}})
		if p.errs.Raw != "" {
			t.Fatalf("attempt %d throttled early: %s", i, p.errs.Raw)
		}
	}
	p := api.customerOp(t, "customerAccessTokenCreate(input: $signin)", "customerAccessToken { accessToken } "+custFields,
		map[string]any{"signin": map[string]any{"email": "fresh@example.com", "password": "some guess 1"}})
	if p.errs.errorCode() != "THROTTLED" {
		t.Fatalf("attempt %d from one address: %s", customerpkg.MaxFailsIP+1, p.errs.Raw)
	}
}

func BenchmarkCustomer(b *testing.B) {
	api := startAPI(b, storetest.SQLite(b), fixture)
	createCustomer(b, api, "bench@example.com", "bench password 1")
	b.Run("customerAccessTokenCreate", func(b *testing.B) {
		for b.Loop() {
			signIn(b, api, "bench@example.com", "bench password 1")
		}
	})
	token := signIn(b, api, "bench@example.com", "bench password 1")
	api.customerOp(b, "customerAddressCreate(address: $address, customerAccessToken: $token)", addressSel, map[string]any{"token": token, "address": map[string]any{"address1": "1 Main St", "country": "US"}})
	b.Run("customer", func(b *testing.B) {
		for b.Loop() {
			r := api.post(b, `query($t: String!) { customer(customerAccessToken: $t) { id email displayName defaultAddress { formatted } addresses(first: 10) { nodes { id city } } } }`, map[string]any{"t": token})
			if len(r.Errors) > 0 {
				b.Fatal(r.Errors)
			}
		}
	})
}

// TestRevocationReachesEveryInstance signs in through one server and signs out through
// another over the same database: the first must refuse the token at once.
func TestRevocationReachesEveryInstance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		one := startAPI(t, b, fixture)
		two := startAPI(t, b, nil)
		createCustomer(t, one, "multi@example.com", "multi password 1")
		token := signIn(t, one, "multi@example.com", "multi password 1")
		if customerEmail(t, two, token) == nil {
			t.Fatal("the second instance does not know the token")
		}
		two.customerOp(t, "customerAccessTokenDelete(customerAccessToken: $token)", "deletedAccessToken", map[string]any{"token": token})
		if customerEmail(t, one, token) != nil {
			t.Fatal("the first instance still accepts a token revoked on the second")
		}
	})
}
