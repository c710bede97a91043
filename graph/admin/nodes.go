package admin

import (
	"context"
	"errors"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"storefront/ent/article"
	"storefront/ent/blog"
	"storefront/ent/cartmetafield"
	"storefront/ent/contentimage"
	"storefront/ent/shoppolicy"
	"storefront/ent/urlredirect"

	"storefront/ent"
	"storefront/ent/apikey"
	"storefront/ent/auditevent"
	"storefront/ent/cart"
	"storefront/ent/cartline"
	"storefront/ent/collection"
	"storefront/ent/completionattempt"
	"storefront/ent/customer"
	"storefront/ent/discountcode"
	"storefront/ent/discountredemption"
	"storefront/ent/fulfillment"
	"storefront/ent/giftcard"
	"storefront/ent/giftcardtransaction"
	"storefront/ent/inventoryadjustment"
	"storefront/ent/mailingaddress"
	"storefront/ent/market"
	"storefront/ent/marketprice"
	"storefront/ent/menu"
	"storefront/ent/menuitem"
	"storefront/ent/order"
	"storefront/ent/orderevent"
	"storefront/ent/orderline"
	"storefront/ent/page"
	"storefront/ent/payment"
	"storefront/ent/product"
	"storefront/ent/productimage"
	"storefront/ent/productoption"
	"storefront/ent/productoptionvalue"
	"storefront/ent/productvariant"
	"storefront/ent/refund"
	"storefront/ent/shippingrate"
	"storefront/ent/shop"
	"storefront/ent/taxrate"
	"storefront/ent/translation"
	"storefront/ent/webhookattempt"
	"storefront/ent/webhookdelivery"
	"storefront/ent/webhooksubscription"
	"storefront/internal/gid"
)

// nodeTables maps the type of a global ID to the table its objects live in, for every type
// that implements Node (a test checks the schema against it).
var nodeTables = map[string]string{
	"APIKey":              apikey.Table,
	"AuditEvent":          auditevent.Table,
	"Cart":                cart.Table,
	"CartLine":            cartline.Table,
	"Collection":          collection.Table,
	"CompletionAttempt":   completionattempt.Table,
	"Customer":            customer.Table,
	"DiscountCode":        discountcode.Table,
	"DiscountRedemption":  discountredemption.Table,
	"GiftCard":            giftcard.Table,
	"GiftCardTransaction": giftcardtransaction.Table,
	"InventoryAdjustment": inventoryadjustment.Table,
	"Fulfillment":         fulfillment.Table,
	"MailingAddress":      mailingaddress.Table,
	"Menu":                menu.Table,
	"MenuItem":            menuitem.Table,
	"Order":               order.Table,
	"OrderLine":           orderline.Table,
	"OrderEvent":          orderevent.Table,
	"Payment":             payment.Table,
	"Refund":              refund.Table,
	"Page":                page.Table,
	"Product":             product.Table,
	"ProductImage":        productimage.Table,
	"ProductOption":       productoption.Table,
	"ProductOptionValue":  productoptionvalue.Table,
	"ProductVariant":      productvariant.Table,
	"ShippingRate":        shippingrate.Table,
	"Shop":                shop.Table,
	"TaxRate":             taxrate.Table,
	"Market":              market.Table,
	"MarketPrice":         marketprice.Table,
	"Translation":         translation.Table,
	"Blog":                blog.Table,
	"Article":             article.Table,
	"ContentImage":        contentimage.Table,
	"ShopPolicy":          shoppolicy.Table,
	"UrlRedirect":         urlredirect.Table,
	"CartMetafield":       cartmetafield.Table,
	"WebhookSubscription": webhooksubscription.Table,
	"WebhookDelivery":     webhookdelivery.Table,
	"WebhookAttempt":      webhookattempt.Table,
}

// node resolves a global ID; unknown and malformed IDs read as null.
func node(ctx context.Context, c *ent.Client, id string) (ent.Noder, error) {
	typ, n, ok := gid.Parse(id)
	table, known := nodeTables[typ]
	if !ok || !known {
		return nil, nil
	}
	nd, err := c.Noder(ctx, n, ent.WithFixedNodeType(table))
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", id, err)
	}
	return nd, nil
}

// nodes resolves global IDs in order, one statement per type whatever the number of IDs
// (plus the edges the selection collects, per type); unknown and malformed IDs read as null.
func nodes(ctx context.Context, c *ent.Client, ids []string) ([]ent.Noder, error) {
	out := make([]ent.Noder, len(ids))
	type group struct {
		ids   []int
		at    [][]int     // positions in out of each of ids
		index map[int]int // ids' index by ID
	}
	groups := map[string]*group{}
	var order []string
	for i, id := range ids {
		typ, n, ok := gid.Parse(id)
		table, known := nodeTables[typ]
		if !ok || !known {
			continue
		}
		g := groups[table]
		if g == nil {
			g = &group{index: map[int]int{}}
			groups[table] = g
			order = append(order, table)
		}
		if j, seen := g.index[n]; seen {
			g.at[j] = append(g.at[j], i)
			continue
		}
		g.index[n] = len(g.ids)
		g.ids = append(g.ids, n)
		g.at = append(g.at, []int{i})
	}
	for _, table := range order {
		g := groups[table]
		found, err := nodesOf(ctx, c, table, g.ids)
		if err != nil {
			return nil, err
		}
		for j, nd := range found {
			for _, i := range g.at[j] {
				out[i] = nd
			}
		}
	}
	return out, nil
}

// nodesOf loads the objects of one table by ID in one statement (ent's Noders), nil for
// those that do not exist. Noders reports every ID it misses as a GraphQL error of the
// response; here a missing object is null, so its reports go to a response context of
// their own, where anything other than "not found" is taken back as this call's error.
func nodesOf(ctx context.Context, c *ent.Client, table string, ids []int) ([]ent.Noder, error) {
	if len(ids) == 1 {
		nd, err := c.Noder(ctx, ids[0], ent.WithFixedNodeType(table))
		if ent.IsNotFound(err) {
			return []ent.Noder{nil}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("node %s %d: %w", table, ids[0], err)
		}
		return []ent.Noder{nd}, nil
	}
	quiet := graphql.WithResponseContext(ctx, graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	found, err := c.Noders(quiet, ids, ent.WithFixedNodeType(table))
	if err != nil {
		return nil, fmt.Errorf("nodes %s: %w", table, err)
	}
	for _, e := range graphql.GetErrors(quiet) {
		var nf *ent.NotFoundError
		if errors.As(e.Err, &nf) || (e.Err == nil && e.Extensions["code"] == "NOT_FOUND") {
			continue
		}
		if e.Err != nil {
			return nil, fmt.Errorf("nodes %s: %w", table, e.Err)
		}
		return nil, fmt.Errorf("nodes %s: %s", table, e.Message)
	}
	return found, nil
}
