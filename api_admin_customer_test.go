package main

import (
	"strings"
	"testing"

	"storefront/internal/storetest"
)

// TestAdminCustomers: notes and tags, disabling (sign-in refused, tokens revoked), enabling
// and erasing personal data, through the Admin API and seen by the Storefront API.
func TestAdminCustomers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		write := adminKey(t, api.DB, "customers:write")
		createCustomer(t, api, "ada@example.com", "correct horse battery")
		token := signIn(t, api, "ada@example.com", "correct horse battery")
		var list struct {
			Customers struct {
				Edges []struct {
					Node struct {
						ID, Email string
						FirstName *string
						Tags      []string
						Note      *string
						Disabled  bool
					}
				}
			}
		}
		find := func(where string) {
			t.Helper()
			api.adminPost(t, write, `{ customers(first: 5, where: `+where+`) { edges { node { id email firstName tags note disabled } } } }`, nil).decode(t, &list)
		}
		find(`{emailContainsFold: "ADA@"}`)
		if len(list.Customers.Edges) != 1 {
			t.Fatalf("customers: %+v", list)
		}
		id := list.Customers.Edges[0].Node.ID
		type payload struct {
			Customer *struct {
				Note     *string
				Tags     []string
				Disabled bool
			}
			UserErrors []adminUserError
		}
		call := func(m, args string) payload {
			t.Helper()
			var out map[string]payload
			api.adminPost(t, write, `mutation($id: ID!) { r: `+m+`(id: $id`+args+`) { customer { note tags disabled } userErrors { field code } } }`, map[string]any{"id": id}).decode(t, &out)
			return out["r"]
		}
		if p := call("customerUpdate", `, input: {note: "VIP", tags: ["wholesale"]}`); p.Customer == nil || *p.Customer.Note != "VIP" || strings.Join(p.Customer.Tags, ",") != "wholesale" {
			t.Fatalf("customerUpdate: %+v", p)
		}
		if p := call("customerDisable", ""); p.Customer == nil || !p.Customer.Disabled {
			t.Fatalf("customerDisable: %+v", p)
		}
		if customerEmail(t, api, token) != nil {
			t.Error("a disabled customer's token still works")
		}
		p := api.customerOp(t, "customerAccessTokenCreate(input: $signin)", "customerAccessToken { accessToken } "+custFields,
			map[string]any{"signin": map[string]any{"email": "ada@example.com", "password": "correct horse battery"}})
		if p.CustomerAccessToken != nil || len(p.CustomerUserErrors) == 0 || p.CustomerUserErrors[0].Code != "CUSTOMER_DISABLED" {
			t.Errorf("a disabled customer signs in: %+v", p)
		}
		if p := call("customerEnable", ""); p.Customer == nil || p.Customer.Disabled {
			t.Fatalf("customerEnable: %+v", p)
		}
		token = signIn(t, api, "ada@example.com", "correct horse battery")
		if p := call("customerErase", ""); p.Customer == nil || !p.Customer.Disabled || p.Customer.Note != nil || len(p.Customer.Tags) != 0 {
			t.Fatalf("customerErase: %+v", p)
		}
		if customerEmail(t, api, token) != nil {
			t.Error("an erased customer's token still works")
		}
		find(`{emailContainsFold: "ada"}`)
		if len(list.Customers.Edges) != 0 {
			t.Errorf("an erased customer is still found by email: %+v", list.Customers.Edges)
		}
		find(`{idIn: ["` + id + `"]}`)
		if len(list.Customers.Edges) != 1 || list.Customers.Edges[0].Node.FirstName != nil || !strings.HasSuffix(list.Customers.Edges[0].Node.Email, "@erased.invalid") {
			t.Errorf("erased customer: %+v", list.Customers.Edges)
		}
		if p := call("customerEnable", ""); len(p.UserErrors) != 1 || p.UserErrors[0].Code != "INVALID" {
			t.Errorf("enabling an erased customer: %+v", p)
		}
		if p := api.adminPost(t, write, `mutation { customerDisable(id: "gid://storefront/Customer/999999") { userErrors { field code } } }`, nil); !strings.Contains(p.Raw, "NOT_FOUND") {
			t.Errorf("unknown customer: %s", p.Raw)
		}
	})
}
