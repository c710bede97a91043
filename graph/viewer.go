package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"storefront/ent"
	"storefront/graph/model"
	"storefront/internal/cart"
	"storefront/internal/catalog"
	"storefront/internal/incontext"
)

// CustomerTokenHeader carries a customer access token for lookups that have no token
// argument (node and nodes of orders). Shopify's API has no equivalent; storefronts that do
// not send it simply never see orders through node.
const CustomerTokenHeader = "X-Customer-Access-Token"

// requestToken is the customer access token the request presents: the buyer of its
// @inContext directive, else its CustomerTokenHeader, else "".
func requestToken(ctx context.Context) string {
	if t := incontext.From(ctx).CustomerAccessToken; t != "" {
		return t
	}
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Headers == nil {
		return ""
	}
	return oc.Headers.Get(CustomerTokenHeader)
}

// viewer returns the customer whose access token the request carries, or nil.
func (r *Resolver) viewer(ctx context.Context) (*ent.Customer, error) {
	token := requestToken(ctx)
	if token == "" {
		return nil, nil
	}
	return r.Customers.ByToken(ctx, token)
}

// cartCustomer returns the cart's customer when the request presents a valid access token
// of that customer, and nil otherwise: the cart's ID alone reveals nothing of its customer.
// The request presents a token in CustomerTokenHeader or, for the cart returned by
// cartCreate or cartBuyerIdentityUpdate, as the buyer identity's customerAccessToken of
// that mutation.
func (r *Resolver) cartCustomer(ctx context.Context, c *cart.Cart) (*ent.Customer, error) {
	if c.CustomerID == nil {
		return nil, nil
	}
	for _, token := range []string{requestToken(ctx), buyerIdentityToken(ctx)} {
		id, err := r.Carts.CustomerFor(ctx, c, token)
		if err != nil {
			return nil, err
		}
		if id != nil {
			return r.Customers.ByID(ctx, *id)
		}
	}
	return nil, nil
}

// buyerIdentityToken is the customerAccessToken given in the buyer identity argument of
// the cartCreate or cartBuyerIdentityUpdate field that the resolving field is under, or "".
func buyerIdentityToken(ctx context.Context) string {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if fc.Field.Field == nil {
			continue
		}
		var b *model.CartBuyerIdentityInput
		switch fc.Field.Name {
		case "cartBuyerIdentityUpdate":
			if in, ok := fc.Args["buyerIdentity"].(model.CartBuyerIdentityInput); ok {
				b = &in
			}
		case "cartCreate":
			if in, ok := fc.Args["input"].(*model.CartInput); ok && in != nil {
				b = in.BuyerIdentity
			}
		default:
			continue
		}
		if b != nil && b.CustomerAccessToken != nil {
			return *b.CustomerAccessToken
		}
		return ""
	}
	return ""
}

// ownedNodes loads the orders among refs that belong to the request's customer.
func (r *Resolver) ownedNodes(ctx context.Context, refs []catalog.NodeRef) (map[catalog.NodeRef]ent.Noder, error) {
	var ids []int
	for _, ref := range refs {
		if ref.Type == "Order" {
			ids = append(ids, ref.ID)
		}
	}
	out := map[catalog.NodeRef]ent.Noder{}
	if len(ids) == 0 {
		return out, nil
	}
	c, err := r.viewer(ctx)
	if err != nil || c == nil {
		return out, err
	}
	os, err := r.Orders.OwnedBy(ctx, c.ID, ids)
	if err != nil {
		return nil, err
	}
	for id, o := range os {
		out[catalog.NodeRef{Type: "Order", ID: id}] = o
	}
	return out, nil
}
