package admin

import (
	"context"
	"fmt"
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

// nodes resolves global IDs in order (one statement each); unknown and malformed IDs read
// as null.
func nodes(ctx context.Context, c *ent.Client, ids []string) ([]ent.Noder, error) {
	out := make([]ent.Noder, len(ids))
	for i, id := range ids {
		nd, err := node(ctx, c, id)
		if err != nil {
			return nil, err
		}
		out[i] = nd
	}
	return out, nil
}
