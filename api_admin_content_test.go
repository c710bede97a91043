package main

import (
	"strings"
	"testing"

	"storefront/internal/storetest"
)

// TestAdminCollections: create, publish, fill, reorder, empty and delete a collection; the
// Storefront API follows each step.
func TestAdminCollections(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		key := adminKey(t, api.DB, "catalog:write")
		type payload struct {
			Collection *struct {
				ID, Handle string
				Published  bool
			}
			UserErrors []adminUserError
		}
		var ids struct {
			Tee, Mug, Lamp struct{ ID string }
		}
		api.post(t, `{ tee: product(handle: "tee") { id } mug: product(handle: "mug") { id } lamp: product(handle: "lamp") { id } }`, nil).decode(t, &ids)
		storefront := func() []string {
			var out struct {
				Collection *struct {
					Products struct{ Nodes []struct{ Handle string } }
				}
			}
			api.post(t, `{ collection(handle: "summer") { products(first: 10) { nodes { handle } } } }`, nil).decode(t, &out)
			if out.Collection == nil {
				return nil
			}
			hs := []string{}
			for _, n := range out.Collection.Products.Nodes {
				hs = append(hs, n.Handle)
			}
			return hs
		}
		var c struct{ CollectionCreate payload }
		api.adminPost(t, key, `mutation { collectionCreate(input: {title: "Summer", sortOrder: MANUAL}) { collection { id handle published } userErrors { field code } } }`, nil).decode(t, &c)
		if c.CollectionCreate.Collection == nil || c.CollectionCreate.Collection.Handle != "summer" || c.CollectionCreate.Collection.Published {
			t.Fatalf("collectionCreate: %+v", c.CollectionCreate)
		}
		id := c.CollectionCreate.Collection.ID
		if got := storefront(); got != nil {
			t.Fatalf("an unpublished collection is on the Storefront API: %v", got)
		}
		var dup struct{ CollectionCreate payload }
		api.adminPost(t, key, `mutation { collectionCreate(input: {title: "Summer"}) { collection { id } userErrors { field code } } }`, nil).decode(t, &dup)
		if u := dup.CollectionCreate.UserErrors; len(u) != 1 || u[0].Code != "TAKEN" {
			t.Errorf("duplicate handle: %+v", dup.CollectionCreate)
		}
		mutate := func(name, args string, vars map[string]any) payload {
			t.Helper()
			decls := "$id: ID!"
			send := map[string]any{"id": vars["id"]}
			if strings.Contains(args, "$p") {
				decls += ", $p: [ID!]!"
				send["p"] = vars["p"]
			}
			if strings.Contains(args, "$m") {
				decls += ", $m: [CollectionProductMoveInput!]!"
				send["m"] = vars["m"]
			}
			var out map[string]payload
			api.adminPost(t, key, `mutation(`+decls+`) { r: `+name+`(`+args+`) { collection { id handle published } userErrors { field code } } }`,
				send).decode(t, &out)
			return out["r"]
		}
		vars := map[string]any{"id": id, "p": []string{ids.Tee.ID, ids.Mug.ID, ids.Lamp.ID}, "m": []any{map[string]any{"id": ids.Lamp.ID, "newPosition": 0}}}
		if p := mutate("collectionUpdate", "id: $id, input: {published: true}", vars); p.Collection == nil || !p.Collection.Published {
			t.Fatalf("publish: %+v", p)
		}
		if p := mutate("collectionAddProducts", "id: $id, productIds: $p", vars); len(p.UserErrors) > 0 {
			t.Fatalf("add: %+v", p)
		}
		if got := strings.Join(storefront(), ","); got != "tee,mug,lamp" {
			t.Errorf("after adding: %s, want tee,mug,lamp", got)
		}
		if p := mutate("collectionReorderProducts", "id: $id, moves: $m", vars); len(p.UserErrors) > 0 {
			t.Fatalf("reorder: %+v", p)
		}
		if got := strings.Join(storefront(), ","); got != "lamp,tee,mug" {
			t.Errorf("after moving lamp first: %s, want lamp,tee,mug", got)
		}
		vars["p"] = []string{ids.Tee.ID}
		if p := mutate("collectionRemoveProducts", "id: $id, productIds: $p", vars); len(p.UserErrors) > 0 {
			t.Fatalf("remove: %+v", p)
		}
		if got := strings.Join(storefront(), ","); got != "lamp,mug" {
			t.Errorf("after removing tee: %s, want lamp,mug", got)
		}
		vars["p"] = []string{"gid://storefront/Product/999999"}
		if p := mutate("collectionAddProducts", "id: $id, productIds: $p", vars); len(p.UserErrors) != 1 || p.UserErrors[0].Code != "NOT_FOUND" || strings.Join(p.UserErrors[0].Field, ".") != "productIds.0" {
			t.Errorf("unknown product: %+v", p)
		}
		var del struct {
			CollectionDelete struct {
				DeletedCollectionID *string
				UserErrors          []adminUserError
			}
		}
		api.adminPost(t, key, `mutation($id: ID!) { collectionDelete(id: $id) { deletedCollectionId userErrors { code } } }`, map[string]any{"id": id}).decode(t, &del)
		if del.CollectionDelete.DeletedCollectionID == nil || storefront() != nil {
			t.Errorf("delete: %+v", del.CollectionDelete)
		}
	})
}

// TestAdminPagesAndMenus: pages and menu item trees through the Admin API, seen by the
// Storefront API.
func TestAdminPagesAndMenus(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		key := adminKey(t, api.DB, "catalog:write")
		var pc struct {
			PageCreate struct {
				Page       *struct{ ID, Handle string }
				UserErrors []adminUserError
			}
		}
		api.adminPost(t, key, `mutation { pageCreate(input: {title: "Shipping Policy", body: "<p>Fast.</p>", published: true}) { page { id handle } userErrors { field code } } }`, nil).decode(t, &pc)
		if pc.PageCreate.Page == nil || pc.PageCreate.Page.Handle != "shipping-policy" {
			t.Fatalf("pageCreate: %+v", pc.PageCreate)
		}
		var sf struct{ Page *struct{ Body string } }
		api.post(t, `{ page(handle: "shipping-policy") { body } }`, nil).decode(t, &sf)
		if sf.Page == nil || sf.Page.Body != "<p>Fast.</p>" {
			t.Fatalf("storefront page: %+v", sf.Page)
		}
		var pu struct {
			PageUpdate struct{ UserErrors []adminUserError }
		}
		api.adminPost(t, key, `mutation($id: ID!) { pageUpdate(id: $id, input: {published: false}) { userErrors { code } } }`, map[string]any{"id": pc.PageCreate.Page.ID}).decode(t, &pu)
		api.post(t, `{ page(handle: "shipping-policy") { body } }`, nil).decode(t, &sf)
		if sf.Page != nil {
			t.Error("an unpublished page is on the Storefront API")
		}
		var bad struct {
			PageUpdate struct{ UserErrors []adminUserError }
		}
		api.adminPost(t, key, `mutation($id: ID!) { pageUpdate(id: $id, input: {handle: "about"}) { userErrors { field code } } }`, map[string]any{"id": pc.PageCreate.Page.ID}).decode(t, &bad)
		if u := bad.PageUpdate.UserErrors; len(u) != 1 || u[0].Code != "TAKEN" || strings.Join(u[0].Field, ".") != "input.handle" {
			t.Errorf("taken page handle: %+v", u)
		}

		var mc struct {
			MenuCreate struct {
				Menu       *struct{ ID string }
				UserErrors []adminUserError
			}
		}
		api.adminPost(t, key, `mutation { menuCreate(input: {handle: "footer", title: "Footer", items: [
			{title: "Help", type: HTTP, url: "https://help.example", items: [{title: "Shipping", type: PAGE, url: "/pages/shipping-policy"}]},
			{title: "Search", type: SEARCH, url: "/search"}]}) { menu { id } userErrors { field code } } }`, nil).decode(t, &mc)
		if mc.MenuCreate.Menu == nil {
			t.Fatalf("menuCreate: %+v", mc.MenuCreate)
		}
		var menu struct {
			Menu *struct {
				Items []struct {
					Title string
					Items []struct{ Title string }
				}
			}
		}
		api.post(t, `{ menu(handle: "footer") { items { title items { title } } } }`, nil).decode(t, &menu)
		if got := mustString(menu.Menu); got != `{"Items":[{"Title":"Help","Items":[{"Title":"Shipping"}]},{"Title":"Search","Items":[]}]}` {
			t.Errorf("storefront menu: %s", got)
		}
		var mu struct {
			MenuUpdate struct{ UserErrors []adminUserError }
		}
		api.adminPost(t, key, `mutation($id: ID!) { menuUpdate(id: $id, input: {items: [{title: "Only", type: FRONTPAGE, url: "/"}]}) { userErrors { field code } } }`,
			map[string]any{"id": mc.MenuCreate.Menu.ID}).decode(t, &mu)
		api.post(t, `{ menu(handle: "footer") { items { title items { title } } } }`, nil).decode(t, &menu)
		if got := mustString(menu.Menu); got != `{"Items":[{"Title":"Only","Items":[]}]}` {
			t.Errorf("storefront menu after replacing the items: %s", got)
		}
		var md struct {
			MenuDelete struct{ DeletedMenuID *string }
		}
		api.adminPost(t, key, `mutation($id: ID!) { menuDelete(id: $id) { deletedMenuId } }`, map[string]any{"id": mc.MenuCreate.Menu.ID}).decode(t, &md)
		api.post(t, `{ menu(handle: "footer") { items { title } } }`, nil).decode(t, &menu)
		if md.MenuDelete.DeletedMenuID == nil || menu.Menu != nil {
			t.Errorf("menuDelete: %+v, storefront %+v", md.MenuDelete, menu.Menu)
		}
	})
}
