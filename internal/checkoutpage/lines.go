package checkoutpage

import (
	"context"
	"fmt"

	"storefront/ent"
	"storefront/ent/product"
	"storefront/ent/productimage"
	"storefront/internal/cart"
)

// defaultVariantTitle is the title of the only variant of a product without options: it
// says nothing to a buyer and is not shown.
const defaultVariantTitle = "Default Title"

// lineView is a cart line as the buyer sees it: the product, the variant, a picture and
// the price.
type lineView struct {
	Quantity     int
	Product      string
	Variant      string // "" for a product without options
	ImageURL     string
	ImageAlt     string
	UnitPrice    int64
	Subtotal     int64 // before line discounts
	Total        int64
	Available    int
	RequiresShip bool
}

// Name is the product with its variant, e.g. "Classic Tee (S / White)" or "Mug".
func (l lineView) Name() string {
	if l.Variant == "" {
		return l.Product
	}
	return l.Product + " (" + l.Variant + ")"
}

// lines loads the products and pictures of the cart's lines: two statements whatever the
// number of lines.
func (h *Handler) lines(ctx context.Context, c *cart.Cart) ([]lineView, error) {
	if len(c.Lines) == 0 {
		return nil, nil
	}
	ids := make([]int, 0, len(c.Lines))
	for _, l := range c.Lines {
		ids = append(ids, l.Variant.ProductID)
	}
	products, err := h.DB.Product.Query().Where(product.IDIn(ids...)).Select(product.FieldID, product.FieldTitle).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load products of cart lines: %w", err)
	}
	titles := make(map[int]string, len(products))
	for _, p := range products {
		titles[p.ID] = p.Title
	}
	// The variant's own image (one of its product's), else the product's first.
	images, err := h.DB.ProductImage.Query().Where(productimage.ProductIDIn(ids...)).
		Order(ent.Asc(productimage.FieldPosition), ent.Asc(productimage.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load images of cart lines: %w", err)
	}
	byID := map[int]*ent.ProductImage{}
	first := map[int]*ent.ProductImage{}
	for _, im := range images {
		byID[im.ID] = im
		if first[im.ProductID] == nil {
			first[im.ProductID] = im
		}
	}
	out := make([]lineView, len(c.Lines))
	for i, l := range c.Lines {
		v := l.Variant
		lv := lineView{Quantity: l.Quantity, Product: titles[v.ProductID], UnitPrice: l.UnitPrice,
			Subtotal: l.Cost.Subtotal, Total: l.Cost.Total, Available: v.Available, RequiresShip: v.RequiresShipping}
		if v.Title != defaultVariantTitle {
			lv.Variant = v.Title
		}
		if lv.Product == "" {
			lv.Product, lv.Variant = v.Title, ""
		}
		im := first[v.ProductID]
		if v.ImageID != nil && byID[*v.ImageID] != nil {
			im = byID[*v.ImageID]
		}
		if im != nil && isWebURL(im.URL) {
			lv.ImageURL = im.URL
			lv.ImageAlt = lv.Name()
			if im.AltText != nil && *im.AltText != "" {
				lv.ImageAlt = *im.AltText
			}
		}
		out[i] = lv
	}
	return out, nil
}
