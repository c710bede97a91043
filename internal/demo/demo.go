// Package demo loads the demo catalog that a new Storefront starts with (products,
// variants, images, collections, pages, menus and shop settings), generates large
// synthetic catalogs for benchmarks, and serves the demo's placeholder images.
package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"storefront/ent"
	"storefront/ent/productvariant"
	"storefront/ent/schema"
	"storefront/internal/gid"
	"storefront/internal/giftcard"
	"storefront/internal/store"
)

// DemoIfEmpty loads the demo catalog when the database has neither shop settings nor
// products, and reports whether it did.
func DemoIfEmpty(ctx context.Context, db *store.DB, baseURL string) (bool, error) {
	shops, err := db.Shop.Query().Count(ctx)
	if err != nil {
		return false, fmt.Errorf("count shops: %w", err)
	}
	products, err := db.Product.Query().Count(ctx)
	if err != nil {
		return false, fmt.Errorf("count products: %w", err)
	}
	if shops > 0 || products > 0 {
		return false, nil
	}
	return true, Load(ctx, db, baseURL)
}

// Load writes the demo catalog in one transaction. Image URLs point at baseURL (the
// server's public URL), which serves them from ImageHandler.
func Load(ctx context.Context, db *store.DB, baseURL string) error {
	tx, err := db.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := load(ctx, tx.Client(), strings.TrimRight(baseURL, "/")); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("load demo catalog: %w", err)
	}
	return tx.Commit()
}

func load(ctx context.Context, c *ent.Client, baseURL string) error {
	if err := c.Shop.Create().
		SetName("Storefront Demo").
		SetDescription("A demo shop served by Storefront: apparel, electronics and home goods.").
		SetCurrencyCode("USD").
		SetCountryCode("US").
		SetShipsToCountries([]string{"US", "CA", "GB", "DE", "FR", "NL", "AU"}).
		SetMoneyFormat("${{amount}}").
		Exec(ctx); err != nil {
		return fmt.Errorf("shop: %w", err)
	}
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	byHandle := map[string]*ent.Product{}
	for i, spec := range products {
		created := start.Add(time.Duration(i) * 36 * time.Hour)
		p, err := createProduct(ctx, c, spec, baseURL, created)
		if err != nil {
			return fmt.Errorf("product %s: %w", spec.handle, err)
		}
		byHandle[spec.handle] = p
	}
	collectionIDs := map[string]int{}
	for _, cs := range collections {
		b := c.Collection.Create().
			SetHandle(cs.handle).SetTitle(cs.title).
			SetDescription(cs.desc).SetDescriptionHTML("<p>" + cs.desc + "</p>").
			SetPublished(!cs.draft).SetSortOrder(collectionSortOrder(cs.sort)).
			SetSeoTitle(cs.title + " | Storefront Demo").SetSeoDescription(cs.desc)
		if !cs.draft {
			b.SetPublishedAt(start)
		}
		if cs.image {
			b.SetImageURL(imageURL(baseURL, "collection-"+cs.handle, 1)).SetImageAltText(cs.title).SetImageWidth(1200).SetImageHeight(600)
		}
		col, err := b.Save(ctx)
		if err != nil {
			return fmt.Errorf("collection %s: %w", cs.handle, err)
		}
		collectionIDs[cs.handle] = col.ID
		var members []string
		if cs.handles != nil {
			members = cs.handles
		} else {
			for _, p := range products {
				if cs.member(p) {
					members = append(members, p.handle)
				}
			}
		}
		rows := make([]*ent.CollectionProductCreate, 0, len(members))
		for pos, h := range members {
			rows = append(rows, c.CollectionProduct.Create().SetCollectionID(col.ID).SetProductID(byHandle[h].ID).SetPosition(pos))
		}
		if err := c.CollectionProduct.CreateBulk(rows...).Exec(ctx); err != nil {
			return fmt.Errorf("collection %s members: %w", cs.handle, err)
		}
	}
	pageIDs := map[string]int{}
	for _, ps := range pages {
		b := c.Page.Create().SetHandle(ps.handle).SetTitle(ps.title).SetBody(ps.body).SetPublished(!ps.draft)
		if !ps.draft {
			b.SetPublishedAt(start)
		}
		pg, err := b.Save(ctx)
		if err != nil {
			return fmt.Errorf("page %s: %w", ps.handle, err)
		}
		pageIDs[ps.handle] = pg.ID
	}
	if err := createDiscounts(ctx, c, byHandle, collectionIDs, start); err != nil {
		return err
	}
	if err := createGiftCard(ctx, c); err != nil {
		return err
	}
	if err := createShippingRates(ctx, c); err != nil {
		return err
	}
	for _, t := range taxRates {
		if err := c.TaxRate.Create().SetCountryCode(t.country).SetNillableProvinceCode(t.province).
			SetName(t.name).SetRatePpm(t.ppm).SetAppliesToShipping(t.shipping).Exec(ctx); err != nil {
			return fmt.Errorf("tax rate %s: %w", t.country, err)
		}
	}
	// Markets: the US in the shop currency; Canada and the UK in their own, converted at
	// fixed rates and rounded to .99 and to whole pounds; in Canada the down puffer has a
	// fixed price of 279.00 CAD (compare at 329.00) instead of the converted 295.99.
	ms, err := c.Market.CreateBulk(
		c.Market.Create().SetName("United States").SetCurrencyCode("USD").SetCountries([]string{"US"}),
		c.Market.Create().SetName("Canada").SetCurrencyCode("CAD").SetCountries([]string{"CA"}).
			SetExchangeRate("1.35").SetPriceRounding("NINETY_NINE"),
		c.Market.Create().SetName("United Kingdom").SetCurrencyCode("GBP").SetCountries([]string{"GB"}).
			SetExchangeRate("0.79").SetPriceRounding("WHOLE"),
	).Save(ctx)
	if err != nil {
		return fmt.Errorf("markets: %w", err)
	}
	if puffer := byHandle["down-puffer"]; puffer != nil {
		vs, err := c.ProductVariant.Query().Where(productvariant.ProductID(puffer.ID)).All(ctx)
		if err != nil {
			return fmt.Errorf("down-puffer variants: %w", err)
		}
		fixed := make([]*ent.MarketPriceCreate, len(vs))
		for i, v := range vs {
			fixed[i] = c.MarketPrice.Create().SetMarketID(ms[1].ID).SetVariantID(v.ID).SetProductID(puffer.ID).
				SetPrice(27900).SetCompareAtPrice(32900)
		}
		if err := c.MarketPrice.CreateBulk(fixed...).Exec(ctx); err != nil {
			return fmt.Errorf("fixed prices: %w", err)
		}
	}
	if err := createShopContent(ctx, c, baseURL); err != nil {
		return err
	}
	for _, ms := range menus {
		m, err := c.Menu.Create().SetHandle(ms.handle).SetTitle(ms.title).Save(ctx)
		if err != nil {
			return fmt.Errorf("menu %s: %w", ms.handle, err)
		}
		if err := createMenuItems(ctx, c, m.ID, nil, ms.items, collectionIDs, pageIDs); err != nil {
			return fmt.Errorf("menu %s: %w", ms.handle, err)
		}
	}
	return nil
}

func collectionSortOrder(s string) collectionSort { return collectionSort(s) }

func createMenuItems(ctx context.Context, c *ent.Client, menuID int, parent *int, items []menuItemSpec, collectionIDs, pageIDs map[string]int) error {
	for pos, it := range items {
		b := c.MenuItem.Create().SetMenuID(menuID).SetNillableParentID(parent).SetTitle(it.title).SetType(menuItemType(it.typ)).SetPosition(pos)
		switch {
		case strings.HasPrefix(it.target, "collection:"):
			h := strings.TrimPrefix(it.target, "collection:")
			b.SetURL("/collections/" + h).SetResourceID(gid.Format(gid.Collection, collectionIDs[h]))
		case strings.HasPrefix(it.target, "page:"):
			h := strings.TrimPrefix(it.target, "page:")
			b.SetURL("/pages/" + h).SetResourceID(gid.Format(gid.Page, pageIDs[h]))
		default:
			b.SetURL(it.target)
		}
		item, err := b.Save(ctx)
		if err != nil {
			return fmt.Errorf("item %s: %w", it.title, err)
		}
		if err := createMenuItems(ctx, c, menuID, &item.ID, it.children, collectionIDs, pageIDs); err != nil {
			return err
		}
	}
	return nil
}

// createProduct writes one product with its options, images and variants (the cartesian
// product of the option values).
func createProduct(ctx context.Context, c *ent.Client, spec productSpec, baseURL string, created time.Time) (*ent.Product, error) {
	b := c.Product.Create().
		SetHandle(spec.handle).SetTitle(spec.title).
		SetDescription(spec.desc).SetDescriptionHTML("<p>" + spec.desc + "</p>").
		SetVendor(spec.vendor).SetProductType(spec.typ).SetTags(spec.tags).
		SetPublished(!spec.draft).SetIsGiftCard(spec.giftCard).
		SetCreatedAt(created).SetUpdatedAt(created).
		SetUnitsSold(unitsSold(spec))
	if !spec.draft {
		b.SetPublishedAt(created)
	}
	if hasTag(spec, "bestseller") {
		b.SetSeoTitle(spec.title + " | Storefront Demo").SetSeoDescription(spec.desc)
	}
	p, err := b.Save(ctx)
	if err != nil {
		return nil, err
	}
	opts := spec.opts
	if len(opts) == 0 {
		opts = []opt{{"Title", []string{"Default Title"}}}
	}
	for i, o := range opts {
		po, err := c.ProductOption.Create().SetProductID(p.ID).SetName(o.name).SetPosition(i).Save(ctx)
		if err != nil {
			return nil, err
		}
		vals := make([]*ent.ProductOptionValueCreate, len(o.values))
		for j, v := range o.values {
			vals[j] = c.ProductOptionValue.Create().SetOptionID(po.ID).SetName(v).SetPosition(j)
			if hex, ok := swatchColors[v]; ok && o.name == "Color" {
				vals[j].SetSwatchColor(hex)
			}
		}
		if err := c.ProductOptionValue.CreateBulk(vals...).Exec(ctx); err != nil {
			return nil, err
		}
	}
	imgs := make([]*ent.ProductImageCreate, spec.images)
	for i := range imgs {
		imgs[i] = c.ProductImage.Create().SetProductID(p.ID).SetPosition(i).
			SetURL(imageURL(baseURL, spec.handle, i+1)).SetAltText(fmt.Sprintf("%s, view %d", spec.title, i+1)).
			SetWidth(800).SetHeight(800)
	}
	images, err := c.ProductImage.CreateBulk(imgs...).Save(ctx)
	if err != nil {
		return nil, err
	}
	combos := cartesian(opts)
	variants := make([]*ent.ProductVariantCreate, len(combos))
	for i, combo := range combos {
		sel := make([]schema.SelectedOption, len(combo))
		names := make([]string, len(combo))
		price, compareAt := spec.price, spec.compareAt
		colorIndex := 0
		for j, vi := range combo {
			o := opts[j]
			sel[j] = schema.SelectedOption{Name: o.name, Value: o.values[vi]}
			names[j] = o.values[vi]
			step := priceStep(spec, o.name)
			price += int64(vi) * step
			if compareAt > 0 {
				compareAt += int64(vi) * step
			}
			if o.name == "Color" || o.name == "Scent" {
				colorIndex = vi
			}
		}
		title := strings.Join(names, " / ")
		sku := skuFor(spec.handle, names)
		vb := c.ProductVariant.Create().SetProductID(p.ID).SetPosition(i).
			SetTitle(title).SetSku(sku).SetPrice(price).
			SetSelectedOptions(sel).
			SetRequiresShipping(!spec.giftCard).
			SetWeight(float64(spec.weightGrams)).SetWeightUnit("GRAMS").
			SetAvailable(stockFor(spec, sku))
		if compareAt > 0 {
			vb.SetCompareAtPrice(compareAt)
		}
		if i%2 == 0 {
			vb.SetBarcode(barcodeFor(sku))
		}
		if len(images) > 0 {
			vb.SetImageID(images[colorIndex%len(images)].ID)
		}
		variants[i] = vb
	}
	if err := c.ProductVariant.CreateBulk(variants...).Exec(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

func cartesian(opts []opt) [][]int {
	out := [][]int{{}}
	for _, o := range opts {
		var next [][]int
		for _, prefix := range out {
			for i := range o.values {
				next = append(next, append(append([]int{}, prefix...), i))
			}
		}
		out = next
	}
	return out
}

// priceStep is how much each later value of an option adds to the price: bigger chargers,
// more storage, longer cables and larger home goods cost more; gift cards follow their amount.
func priceStep(spec productSpec, option string) int64 {
	switch option {
	case "Wattage", "Storage", "Length", "Blade":
		return roundTo100(spec.price / 4)
	case "Amount":
		return 2500
	case "Size":
		for _, t := range homeTypes {
			if spec.typ == t {
				return roundTo100(spec.price / 5)
			}
		}
	}
	return 0
}

func roundTo100(n int64) int64 { return (n + 50) / 100 * 100 }

func hash(s string) uint32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(s))
	return h.Sum32()
}

// stockFor gives most variants some stock and about one in eight none.
func stockFor(spec productSpec, sku string) int {
	if spec.soldOut {
		return 0
	}
	if spec.giftCard {
		return 1000
	}
	n := int(hash(sku) % 40)
	if n < 5 {
		return 0
	}
	return n
}

func unitsSold(spec productSpec) int64 {
	n := int64(hash(spec.handle) % 200)
	if hasTag(spec, "bestseller") {
		n += 500
	}
	return n
}

func skuFor(handle string, values []string) string {
	var b strings.Builder
	for _, w := range strings.Split(handle, "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:min(3, len(w))]))
		}
	}
	for _, v := range values {
		if v == "Default Title" {
			continue
		}
		b.WriteByte('-')
		for _, r := range strings.ToUpper(v) {
			if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

func barcodeFor(sku string) string { return fmt.Sprintf("0%011d", uint64(hash(sku))*7919%100000000000) }

func imageURL(baseURL, name string, n int) string {
	return fmt.Sprintf("%s/images/demo/%s-%d.svg", baseURL, name, n)
}

// createDiscounts writes the demo's discount codes: WELCOME10 (10% off the order),
// SAVE5 ($5 off orders of $50 or more), TEES20 (20% off apparel), HEADPHONES15 ($15 off
// the wireless headphones), FIRSTORDER (15% off, once per customer) and EXPIRED2025.
func createDiscounts(ctx context.Context, c *ent.Client, byHandle map[string]*ent.Product, collectionIDs map[string]int, start time.Time) error {
	minimum := int64(5000)
	ended := time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	specs := []*ent.DiscountCodeCreate{
		c.DiscountCode.Create().SetCode("WELCOME10").SetTitle("10% off your order").SetKind("PERCENTAGE").SetValue(1000),
		c.DiscountCode.Create().SetCode("SAVE5").SetTitle("$5 off orders over $50").SetKind("FIXED_AMOUNT").SetValue(500).SetMinimumSubtotal(minimum),
		c.DiscountCode.Create().SetCode("TEES20").SetTitle("20% off apparel").SetKind("PERCENTAGE").SetValue(2000).
			SetAppliesTo("COLLECTIONS").AddCollectionIDs(collectionIDs["apparel"]),
		c.DiscountCode.Create().SetCode("HEADPHONES15").SetTitle("$15 off wireless headphones").SetKind("FIXED_AMOUNT").SetValue(1500).
			SetAppliesTo("PRODUCTS").AddProductIDs(byHandle["wireless-headphones"].ID),
		c.DiscountCode.Create().SetCode("FIRSTORDER").SetTitle("15% off your first order").SetKind("PERCENTAGE").SetValue(1500).SetOncePerCustomer(true),
		c.DiscountCode.Create().SetCode("EXPIRED2025").SetTitle("Last year's sale").SetKind("PERCENTAGE").SetValue(3000).SetStartsAt(start.AddDate(-1, 0, 0)).SetEndsAt(ended),
	}
	if err := c.DiscountCode.CreateBulk(specs...).Exec(ctx); err != nil {
		return fmt.Errorf("discount codes: %w", err)
	}
	return nil
}

// DemoGiftCardCode is the code of the demo's gift card: $50.00, no expiry. Like every
// card, it is stored only as the hash of its code and its last four characters.
const DemoGiftCardCode = "DEMO-GIFT-CARD-0050"

// createGiftCard issues the demo's gift card, its ledger starting with the credit.
func createGiftCard(ctx context.Context, c *ent.Client) error {
	g, err := c.GiftCard.Create().SetCodeHash(giftcard.Hash(DemoGiftCardCode)).SetLastCharacters(giftcard.LastCharacters(DemoGiftCardCode)).
		SetInitialValue(5000).SetBalance(5000).SetCurrencyCode("USD").SetNote("Demo gift card").Save(ctx)
	if err != nil {
		return fmt.Errorf("gift card: %w", err)
	}
	if err := c.GiftCardTransaction.Create().SetGiftCardID(g.ID).SetKind("CREDIT").SetAmount(5000).Exec(ctx); err != nil {
		return fmt.Errorf("gift card credit: %w", err)
	}
	return nil
}

// createShippingRates writes the demo's delivery options: free US shipping over $75,
// express, international by weight, and pickup.
func createShippingRates(ctx context.Context, c *ent.Client) error {
	free := int64(7500)
	heavy := int64(5000)
	intl := []string{"CA", "GB", "DE", "FR", "NL", "AU"}
	rates := []*ent.ShippingRateCreate{
		c.ShippingRate.Create().SetHandle("standard").SetTitle("Standard (3–5 business days)").SetCountries([]string{"US"}).SetPrice(500).SetFreeAbove(free).SetPosition(0),
		c.ShippingRate.Create().SetHandle("express").SetTitle("Express (1–2 business days)").SetCountries([]string{"US"}).SetPrice(1500).SetPosition(1),
		c.ShippingRate.Create().SetHandle("international").SetTitle("International (5–10 business days)").SetCountries(intl).
			SetCondition("WEIGHT").SetMax(heavy).SetPrice(1500).SetPosition(2),
		c.ShippingRate.Create().SetHandle("international-heavy").SetTitle("International, over 5 kg").SetCountries(intl).
			SetCondition("WEIGHT").SetMin(heavy + 1).SetPrice(3500).SetPosition(3),
		c.ShippingRate.Create().SetHandle("pickup").SetTitle("Pick up in store").SetDescription("Ready the next business day at 1 Market St, San Francisco").
			SetMethodType("PICK_UP").SetCountries([]string{"US"}).SetPrice(0).SetPosition(4),
	}
	if err := c.ShippingRate.CreateBulk(rates...).Exec(ctx); err != nil {
		return fmt.Errorf("shipping rates: %w", err)
	}
	return nil
}

// createShopContent writes the shop's policies, brand and URL redirects.
func createShopContent(ctx context.Context, c *ent.Client, baseURL string) error {
	for _, p := range policies {
		if err := c.ShopPolicy.Create().SetKind(p.kind).SetTitle(p.title).SetBody(p.body).Exec(ctx); err != nil {
			return fmt.Errorf("policy %s: %w", p.kind, err)
		}
	}
	logo, err := c.ContentImage.Create().SetURL(imageURL(baseURL, "storefront-demo-logo", 1)).SetAltText("Storefront Demo").SetWidth(800).SetHeight(800).Save(ctx)
	if err != nil {
		return fmt.Errorf("brand logo: %w", err)
	}
	cover, err := c.ContentImage.Create().SetURL(imageURL(baseURL, "storefront-demo-cover", 1)).SetAltText("Storefront Demo").SetWidth(800).SetHeight(800).Save(ctx)
	if err != nil {
		return fmt.Errorf("brand cover: %w", err)
	}
	if err := c.Shop.Update().SetBrandLogoID(logo.ID).SetBrandSquareLogoID(logo.ID).SetBrandCoverImageID(cover.ID).
		SetBrandSlogan("Good things, delivered.").SetBrandShortDescription("Apparel, electronics and home goods, chosen to last.").
		SetBrandColors(schema.BrandColors{
			Primary:   []schema.BrandColorGroup{{Background: "#1F2A44", Foreground: "#FFFFFF"}},
			Secondary: []schema.BrandColorGroup{{Background: "#F4EBD0", Foreground: "#1F2A44"}},
		}).Exec(ctx); err != nil {
		return fmt.Errorf("brand: %w", err)
	}
	for i, bs := range blogs {
		bl, err := c.Blog.Create().SetHandle(bs.handle).SetTitle(bs.title).SetSeoDescription(bs.desc).Save(ctx)
		if err != nil {
			return fmt.Errorf("blog %s: %w", bs.handle, err)
		}
		for j, as := range bs.articles {
			img, err := c.ContentImage.Create().SetURL(imageURL(baseURL, "article-"+as.handle, 1)).SetAltText(as.title).SetWidth(800).SetHeight(800).Save(ctx)
			if err != nil {
				return fmt.Errorf("article image %s: %w", as.handle, err)
			}
			at := time.Date(2026, 2, 2+7*j+i, 9, 0, 0, 0, time.UTC)
			if err := c.Article.Create().SetBlog(bl).SetHandle(as.handle).SetTitle(as.title).SetContentHTML(as.body).
				SetAuthorName(as.author).SetTags(as.tags).SetImageID(img.ID).SetPublished(true).SetPublishedAt(at).Exec(ctx); err != nil {
				return fmt.Errorf("article %s: %w", as.handle, err)
			}
		}
	}
	for _, r := range redirects {
		if err := c.UrlRedirect.Create().SetPath(r[0]).SetTarget(r[1]).Exec(ctx); err != nil {
			return fmt.Errorf("redirect %s: %w", r[0], err)
		}
	}
	return nil
}
