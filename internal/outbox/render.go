package outbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"storefront/ent"
	"storefront/ent/cart"
	"storefront/ent/cartline"
	"storefront/ent/collectionproduct"
	"storefront/ent/orderline"
	"storefront/ent/productimage"
	"storefront/ent/productoption"
	"storefront/ent/productvariant"
	"storefront/internal/gid"
	"storefront/internal/money"
)

// CartSubject is the subject of a cart's events: its token, never its secret key.
func CartSubject(token string) string { return "gid://storefront/Cart/" + token }

// Render returns the payload of event ev: the JSON object of its subject as it is now
// (products, collections, inventory levels, customers, carts, orders and fulfillments), in
// Shopify's snake_case shape with id and admin_graphql_api_id. When the subject no longer
// exists (a delete) or has no renderer, the payload stored with the event is sent, with
// id and admin_graphql_api_id added.
func Render(ctx context.Context, c *ent.Client, ev *ent.Event) (map[string]any, error) {
	var (
		p   map[string]any
		err error
	)
	if token, ok := strings.CutPrefix(ev.SubjectID, "gid://storefront/Cart/"); ok && !isDigits(token) {
		p, err = renderCart(ctx, c, token)
	} else if typ, id, ok := gid.Parse(ev.SubjectID); ok {
		switch typ {
		case gid.Product:
			p, err = renderProduct(ctx, c, id)
		case gid.Collection:
			p, err = renderCollection(ctx, c, id)
		case gid.ProductVariant:
			p, err = renderInventoryLevel(ctx, c, id)
		case "Customer":
			p, err = renderCustomer(ctx, c, id)
		case "Order":
			p, err = renderOrder(ctx, c, id)
		case "Fulfillment":
			p, err = renderFulfillment(ctx, c, id)
		}
	}
	if ent.IsNotFound(err) {
		p, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("render %s %s: %w", ev.Topic, ev.SubjectID, err)
	}
	if p == nil {
		p = map[string]any{}
		for k, v := range ev.Payload {
			p[k] = v
		}
		if _, id, ok := gid.Parse(ev.SubjectID); ok {
			if _, set := p["id"]; !set {
				p["id"] = id
			}
		}
		p["admin_graphql_api_id"] = ev.SubjectID
	}
	return p, nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func tsp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func currency(ctx context.Context, c *ent.Client) (string, error) {
	s, err := c.Shop.Query().First(ctx)
	if ent.IsNotFound(err) {
		return "USD", nil
	}
	if err != nil {
		return "", err
	}
	return s.CurrencyCode, nil
}

func variantJSON(v *ent.ProductVariant, cur string) map[string]any {
	var compare any
	if v.CompareAtPrice != nil {
		compare = money.Format(*v.CompareAtPrice, cur)
	}
	return map[string]any{
		"id":                   v.ID,
		"admin_graphql_api_id": gid.Format(gid.ProductVariant, v.ID),
		"product_id":           v.ProductID,
		"title":                v.Title,
		"sku":                  deref(v.Sku),
		"barcode":              deref(v.Barcode),
		"price":                money.Format(v.Price, cur),
		"compare_at_price":     compare,
		"position":             v.Position,
		"inventory_quantity":   v.Available,
		"requires_shipping":    v.RequiresShipping,
		"image_id":             deref(v.ImageID),
		"created_at":           ts(v.CreatedAt),
		"updated_at":           ts(v.UpdatedAt),
	}
}

func renderProduct(ctx context.Context, c *ent.Client, id int) (map[string]any, error) {
	p, err := c.Product.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	cur, err := currency(ctx, c)
	if err != nil {
		return nil, err
	}
	vs, err := c.ProductVariant.Query().Where(productvariant.ProductID(id)).Order(ent.Asc(productvariant.FieldPosition), ent.Asc(productvariant.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	opts, err := c.ProductOption.Query().Where(productoption.ProductID(id)).WithValues().Order(ent.Asc(productoption.FieldPosition)).All(ctx)
	if err != nil {
		return nil, err
	}
	imgs, err := c.ProductImage.Query().Where(productimage.ProductID(id)).Order(ent.Asc(productimage.FieldPosition), ent.Asc(productimage.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	variants := make([]any, len(vs))
	for i, v := range vs {
		variants[i] = variantJSON(v, cur)
	}
	options := make([]any, len(opts))
	for i, o := range opts {
		values := make([]string, len(o.Edges.Values))
		for j, v := range o.Edges.Values {
			values[j] = v.Name
		}
		options[i] = map[string]any{"id": o.ID, "product_id": id, "name": o.Name, "position": o.Position, "values": values}
	}
	images := make([]any, len(imgs))
	for i, im := range imgs {
		images[i] = map[string]any{"id": im.ID, "admin_graphql_api_id": gid.Format(gid.ProductImage, im.ID), "product_id": id,
			"src": im.URL, "alt": deref(im.AltText), "width": deref(im.Width), "height": deref(im.Height), "position": im.Position}
	}
	status := "draft"
	switch {
	case p.Archived:
		status = "archived"
	case p.Published:
		status = "active"
	}
	tags := p.Tags
	if tags == nil {
		tags = []string{}
	}
	return map[string]any{
		"id":                   p.ID,
		"admin_graphql_api_id": gid.Format(gid.Product, p.ID),
		"title":                p.Title,
		"handle":               p.Handle,
		"body_html":            p.DescriptionHTML,
		"vendor":               p.Vendor,
		"product_type":         p.ProductType,
		"tags":                 strings.Join(tags, ", "),
		"status":               status,
		"published_at":         tsp(p.PublishedAt),
		"created_at":           ts(p.CreatedAt),
		"updated_at":           ts(p.UpdatedAt),
		"variants":             variants,
		"options":              options,
		"images":               images,
	}, nil
}

func renderCollection(ctx context.Context, c *ent.Client, id int) (map[string]any, error) {
	col, err := c.Collection.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	n, err := c.CollectionProduct.Query().Where(collectionproduct.CollectionID(id)).Count(ctx)
	if err != nil {
		return nil, err
	}
	var image any
	if col.ImageURL != nil {
		image = map[string]any{"src": *col.ImageURL, "alt": deref(col.ImageAltText), "width": deref(col.ImageWidth), "height": deref(col.ImageHeight)}
	}
	return map[string]any{
		"id":                   col.ID,
		"admin_graphql_api_id": gid.Format(gid.Collection, col.ID),
		"title":                col.Title,
		"handle":               col.Handle,
		"body_html":            col.DescriptionHTML,
		"sort_order":           strings.ToLower(string(col.SortOrder)),
		"published":            col.Published,
		"published_at":         tsp(col.PublishedAt),
		"image":                image,
		"products_count":       n,
		"updated_at":           ts(col.UpdatedAt),
	}, nil
}

func renderInventoryLevel(ctx context.Context, c *ent.Client, id int) (map[string]any, error) {
	v, err := c.ProductVariant.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"inventory_item_id":    v.ID,
		"admin_graphql_api_id": gid.Format(gid.ProductVariant, v.ID),
		"variant_id":           v.ID,
		"product_id":           v.ProductID,
		"sku":                  deref(v.Sku),
		"available":            v.Available,
		"updated_at":           ts(v.UpdatedAt),
	}, nil
}

func renderCustomer(ctx context.Context, c *ent.Client, id int) (map[string]any, error) {
	cu, err := c.Customer.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	state := "enabled"
	if cu.Disabled {
		state = "disabled"
	}
	tags := cu.Tags
	if tags == nil {
		tags = []string{}
	}
	p := map[string]any{
		"id":                   cu.ID,
		"admin_graphql_api_id": gid.Format("Customer", cu.ID),
		"email":                cu.Email,
		"first_name":           deref(cu.FirstName),
		"last_name":            deref(cu.LastName),
		"phone":                deref(cu.Phone),
		"accepts_marketing":    cu.AcceptsMarketing,
		"state":                state,
		"tags":                 strings.Join(tags, ", "),
		"note":                 deref(cu.Note),
		"created_at":           ts(cu.CreatedAt),
		"updated_at":           ts(cu.UpdatedAt),
	}
	if cu.ErasedAt != nil {
		p["erased_at"] = ts(*cu.ErasedAt)
	}
	return p, nil
}

func renderCart(ctx context.Context, c *ent.Client, token string) (map[string]any, error) {
	ct, err := c.Cart.Query().Where(cart.Token(token)).Only(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := currency(ctx, c)
	if err != nil {
		return nil, err
	}
	lines, err := c.CartLine.Query().Where(cartline.CartID(ct.ID)).WithVariant().Order(ent.Asc(cartline.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	items := make([]any, 0, len(lines))
	for _, l := range lines {
		item := map[string]any{"id": l.ID, "variant_id": l.VariantID, "quantity": l.Quantity}
		if v := l.Edges.Variant; v != nil {
			item["product_id"] = v.ProductID
			item["title"] = v.Title
			item["sku"] = deref(v.Sku)
			item["price"] = money.Format(v.Price, cur)
			item["line_price"] = money.Format(v.Price*int64(l.Quantity), cur)
		}
		items = append(items, item)
	}
	return map[string]any{
		"id":                   token,
		"token":                token,
		"admin_graphql_api_id": CartSubject(token),
		"note":                 deref(ct.Note),
		"currency":             cur,
		"line_items":           items,
		"customer_id":          deref(ct.CustomerID),
		"completed_at":         tsp(ct.CompletedAt),
		"created_at":           ts(ct.CreatedAt),
		"updated_at":           ts(ct.UpdatedAt),
	}, nil
}

func renderOrder(ctx context.Context, c *ent.Client, id int) (map[string]any, error) {
	o, err := c.Order.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	lines, err := c.OrderLine.Query().Where(orderline.OrderID(id)).Order(ent.Asc(orderline.FieldPosition)).All(ctx)
	if err != nil {
		return nil, err
	}
	cur := o.CurrencyCode
	items := make([]any, len(lines))
	for i, l := range lines {
		items[i] = map[string]any{
			"id": l.ID, "admin_graphql_api_id": gid.Format("OrderLine", l.ID), "variant_id": deref(l.VariantID),
			"title": l.Title, "variant_title": deref(l.VariantTitle), "sku": deref(l.Sku), "quantity": l.Quantity,
			"current_quantity": l.CurrentQuantity, "price": money.Format(l.UnitPrice, cur),
			"total_discount": money.Format(l.OriginalTotal-l.DiscountedTotal, cur),
		}
	}
	var cancelReason any
	if o.CancelReason != nil {
		cancelReason = strings.ToLower(string(*o.CancelReason))
	}
	return map[string]any{
		"id":                   o.ID,
		"admin_graphql_api_id": gid.Format("Order", o.ID),
		"order_number":         o.Number,
		"name":                 o.Name,
		"email":                deref(o.Email),
		"phone":                deref(o.Phone),
		"customer_id":          deref(o.CustomerID),
		"currency":             cur,
		"subtotal_price":       money.Format(o.Subtotal, cur),
		"total_discounts":      money.Format(o.TotalDiscounts, cur),
		"total_shipping_price": money.Format(o.TotalShipping, cur),
		"total_tax":            money.Format(o.TotalTax, cur),
		"total_price":          money.Format(o.Total, cur),
		"total_refunded":       money.Format(o.TotalRefunded, cur),
		"financial_status":     strings.ToLower(string(o.FinancialStatus)),
		"fulfillment_status":   strings.ToLower(string(o.FulfillmentStatus)),
		"cancel_reason":        cancelReason,
		"cancelled_at":         tsp(o.CanceledAt),
		"processed_at":         ts(o.ProcessedAt),
		"test":                 o.Test,
		"line_items":           items,
		"created_at":           ts(o.CreatedAt),
		"updated_at":           ts(o.UpdatedAt),
	}, nil
}

func renderFulfillment(ctx context.Context, c *ent.Client, id int) (map[string]any, error) {
	f, err := c.Fulfillment.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	nums, urls := f.TrackingNumbers, f.TrackingUrls
	if nums == nil {
		nums = []string{}
	}
	if urls == nil {
		urls = []string{}
	}
	return map[string]any{
		"id":                   f.ID,
		"admin_graphql_api_id": gid.Format("Fulfillment", f.ID),
		"order_id":             f.OrderID,
		"status":               strings.ToLower(string(f.Status)),
		"tracking_company":     deref(f.TrackingCompany),
		"tracking_numbers":     nums,
		"tracking_urls":        urls,
		"created_at":           ts(f.CreatedAt),
		"updated_at":           ts(f.UpdatedAt),
	}, nil
}
