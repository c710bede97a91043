package graph

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"storefront/ent"
	"storefront/ent/schema"
	"storefront/graph/loader"
	"storefront/graph/model"
	"storefront/internal/cart"
	"storefront/internal/catalog"
	"storefront/internal/gid"
	"storefront/internal/incontext"
	"storefront/internal/market"
	"storefront/internal/money"
	"storefront/internal/searchindex"
	"storefront/internal/translation"
)

// currency returns the shop currency for this request (one read per request at most).
func currency(ctx context.Context) (string, error) {
	sh, err := loader.For(ctx).Shop()
	if err != nil {
		return "", err
	}
	return sh.CurrencyCode, nil
}

// pricer returns the Pricer of this request: the market of its @inContext country, the
// shop currency when the country is in no market (one read of the markets per request).
// Inside a cart (a cart line's merchandise, its product's price range) it is the cart's:
// a cart is priced in its buyer identity's country's market whatever @inContext says, so
// every amount in it is in one currency.
func pricer(ctx context.Context) (market.Pricer, error) {
	if c := enclosingCart(ctx); c != nil {
		return c.Pricer, nil
	}
	country := incontext.From(ctx).Country
	sh, err := loader.For(ctx).Shop()
	if err != nil {
		return market.Pricer{}, err
	}
	if country == "" {
		// No country: the shop's prices, no need to read the markets. (The shop's own
		// country is in the shop currency too, but may be in a market with fixed prices,
		// as carts of that country are.)
		return market.ShopPricer(sh.CurrencyCode), nil
	}
	set, err := loader.For(ctx).Markets()
	if err != nil {
		return market.Pricer{}, err
	}
	return set.For(country), nil
}

// enclosingCart is the cart whose fields the field resolving in ctx is under, nil when
// it is under none: the nearest enclosing field whose result is a cart.
func enclosingCart(ctx context.Context) *cart.Cart {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if c, ok := fc.Result.(*cart.Cart); ok {
			return c
		}
	}
	return nil
}

// variantPricing returns the request's Pricer and the fixed prices, in its market, of the
// variants of v's product.
func variantPricing(ctx context.Context, v *ent.ProductVariant) (market.Pricer, market.FixedPrices, error) {
	p, err := pricer(ctx)
	if err != nil {
		return p, nil, err
	}
	fixed, err := fixedPricesIn(ctx, p, v.ProductID)
	return p, fixed, err
}

// fixedPricesIn returns the fixed prices, in p's market, of the variants of a product
// (through the request's loader; none outside markets).
func fixedPricesIn(ctx context.Context, p market.Pricer, productID int) (market.FixedPrices, error) {
	if p.MarketID == 0 {
		return nil, nil
	}
	return loader.For(ctx).FixedPrices.Load(ctx, loader.FixedKey{Market: p.MarketID, Product: productID})
}

// productPriceRange is a product's price range (or compare-at price range) in the
// request's market: the shop currency's bounds converted, unless some of its variants have
// fixed prices in the market, when it is computed from the variants.
func productPriceRange(ctx context.Context, obj *ent.Product, compareAt bool) (*model.ProductPriceRange, error) {
	lo, hi := obj.MinPrice, obj.MaxPrice
	if compareAt {
		lo, hi = obj.MinCompareAtPrice, obj.MaxCompareAtPrice
	}
	p, err := pricer(ctx)
	if err != nil {
		return nil, err
	}
	fixed, err := fixedPricesIn(ctx, p, obj.ID)
	if err != nil {
		return nil, err
	}
	if len(fixed) > 0 {
		vs, err := loader.For(ctx).ListedVariants(ctx, obj.ID)
		if err != nil {
			return nil, err
		}
		if r, ok := p.PriceRange(vs, fixed); ok {
			if compareAt {
				return &model.ProductPriceRange{MinVariantPrice: moneyV2(r.MinCompareAtPrice, p.Currency), MaxVariantPrice: moneyV2(r.MaxCompareAtPrice, p.Currency)}, nil
			}
			return &model.ProductPriceRange{MinVariantPrice: moneyV2(r.MinPrice, p.Currency), MaxVariantPrice: moneyV2(r.MaxPrice, p.Currency)}, nil
		}
	}
	return priceRange(ctx, lo, hi)
}

func moneyV2(amount int64, cur string) *model.MoneyV2 {
	return &model.MoneyV2{Amount: money.Format(amount, cur), CurrencyCode: model.CurrencyCode(cur)}
}

// priceRange is a product's price range in the request's market: converting and rounding
// keep the order of prices, so the shop's bounds convert to the market's.
func priceRange(ctx context.Context, lo, hi int64) (*model.ProductPriceRange, error) {
	p, err := pricer(ctx)
	if err != nil {
		return nil, err
	}
	return &model.ProductPriceRange{MinVariantPrice: moneyV2(p.Price(lo), p.Currency), MaxVariantPrice: moneyV2(p.Price(hi), p.Currency)}, nil
}

func args(after, before *string, first, last *int, reverse *bool) catalog.Args {
	return catalog.Args{First: first, Last: last, After: after, Before: before, Reverse: reverse != nil && *reverse}
}

func pageInfo[T any](p catalog.Page[T]) *model.PageInfo {
	pi := &model.PageInfo{HasNextPage: p.HasNextPage, HasPreviousPage: p.HasPreviousPage}
	if n := len(p.Cursors); n > 0 {
		pi.StartCursor, pi.EndCursor = &p.Cursors[0], &p.Cursors[n-1]
	}
	return pi
}

func productConnection(p catalog.Page[*ent.Product]) *model.ProductConnection {
	c := &model.ProductConnection{Nodes: p.Items, PageInfo: pageInfo(p), Filters: []*model.Filter{}}
	c.Edges = make([]*model.ProductEdge, len(p.Items))
	for i, it := range p.Items {
		c.Edges[i] = &model.ProductEdge{Cursor: p.Cursors[i], Node: it}
	}
	return c
}

func collectionConnection(p catalog.Page[*ent.Collection]) *model.CollectionConnection {
	c := &model.CollectionConnection{Nodes: p.Items, PageInfo: pageInfo(p)}
	c.Edges = make([]*model.CollectionEdge, len(p.Items))
	for i, it := range p.Items {
		c.Edges[i] = &model.CollectionEdge{Cursor: p.Cursors[i], Node: it}
	}
	return c
}

func productImage(i *ent.ProductImage) *model.Image {
	if i == nil {
		return nil
	}
	id := gid.Format(gid.ProductImage, i.ID)
	return &model.Image{ID: &id, URL: i.URL, AltText: i.AltText, Width: i.Width, Height: i.Height}
}

// position orders in-memory children by their position column, then ID.
func variantPos(v *ent.ProductVariant) (int64, int) { return int64(v.Position), v.ID }
func imagePos(i *ent.ProductImage) (int64, int)     { return int64(i.Position), i.ID }
func collectionPos(c *ent.Collection) (int64, int)  { return int64(c.ID), c.ID }

// handleOrID resolves the (handle, id) pair of product and collection lookups.
func handleOrID(handle, id *string, typ string) (h string, n int, ok bool, err error) {
	switch {
	case handle != nil && id != nil:
		return "", 0, false, &catalog.InputError{Argument: "id", Message: "pass either id or handle, not both"}
	case id != nil:
		n, ok := gid.ParseAs(*id, typ)
		return "", n, ok, nil
	case handle != nil:
		return *handle, 0, *handle != "", nil
	default:
		return "", 0, false, &catalog.InputError{Argument: "id", Message: "pass id or handle"}
	}
}

// shopURL is the storefront's public base URL.
func (r *Resolver) shopURL(sh *ent.Shop) (*url.URL, error) {
	raw := r.PublicURL
	if sh.PrimaryDomain != nil && *sh.PrimaryDomain != "" {
		raw = *sh.PrimaryDomain
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("shop primary domain %q is not a URL", raw)
	}
	return u, nil
}

// summary returns the first maxLen characters of an HTML body as plain text, cut at a word.
func summary(body string, maxLen int) string {
	var b strings.Builder
	inTag := false
	for _, r := range body {
		switch {
		case r == '<':
			inTag = true
			b.WriteByte(' ')
		case r == '>':
			inTag = false
		case !inTag:
			b.WriteRune(r)
		}
	}
	text := strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
	if len([]rune(text)) <= maxLen {
		return text
	}
	rs := []rune(text)[:maxLen]
	if i := strings.LastIndexByte(string(rs), ' '); i > maxLen/2 {
		return string(rs)[:i] + "…"
	}
	return string(rs) + "…"
}

// orDefault returns *p, or def when p is nil or empty.
func orDefault(p *string, def string) *string {
	if p != nil && *p != "" {
		return p
	}
	return &def
}

// nilIfNotFound treats a loader's missing key as "no such object".
func nilIfNotFound(err error) error {
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil
	}
	return err
}

func toProductFilters(in []*model.ProductFilter) []catalog.ProductFilter {
	out := make([]catalog.ProductFilter, 0, len(in))
	for _, f := range in {
		if f == nil {
			continue
		}
		pf := catalog.ProductFilter{Available: f.Available, ProductType: f.ProductType, Vendor: f.ProductVendor, Tag: f.Tag}
		if f.Price != nil {
			pf.HasPrice, pf.PriceMin, pf.PriceMax = true, f.Price.Min, f.Price.Max
		}
		if f.VariantOption != nil {
			pf.HasOption, pf.OptionName, pf.OptionValue = true, f.VariantOption.Name, f.VariantOption.Value
		}
		out = append(out, pf)
	}
	return out
}

// shopFilters turns ProductFilter arguments into the catalog's filters; under a language
// other than the shop's, variantOption filters may name options and values by their
// translations (one statement when some do).
func shopFilters(ctx context.Context, svc *catalog.Service, in []*model.ProductFilter) ([]catalog.ProductFilter, error) {
	fs := toProductFilters(in)
	lang, err := translating(ctx)
	if err != nil || lang == "" {
		return fs, err
	}
	return svc.ShopOptionFilters(ctx, lang, fs)
}

// matchesOptions reports whether a variant's options equal the wanted name → value map
// (names case-insensitively, values exactly).
func matchesOptions(have []schema.SelectedOption, want map[string]string) bool {
	if len(have) != len(want) || len(want) == 0 {
		return false
	}
	for _, o := range have {
		if v, ok := want[strings.ToLower(o.Name)]; !ok || v != o.Value {
			return false
		}
	}
	return true
}

// children picks the items whose parent is parent (nil: top level), keeping their order.
func children(items []*ent.MenuItem, parent *int) []*ent.MenuItem {
	out := []*ent.MenuItem{}
	for _, it := range items {
		if (parent == nil && it.ParentID == nil) || (parent != nil && it.ParentID != nil && *it.ParentID == *parent) {
			out = append(out, it)
		}
	}
	return out
}

func toFilters(fs []catalog.Facet) []*model.Filter {
	out := make([]*model.Filter, len(fs))
	for i, f := range fs {
		mf := &model.Filter{ID: f.ID, Label: f.Label, Type: model.FilterType(f.Type), Values: make([]*model.FilterValue, len(f.Values))}
		for j, v := range f.Values {
			mf.Values[j] = &model.FilterValue{ID: v.ID, Label: v.Label, Count: v.Count, Input: v.Input}
		}
		out[i] = mf
	}
	return out
}

// searchNode is the product, page or article of a search result.
func searchNode(it catalog.SearchItem) ent.Noder {
	switch {
	case it.Product != nil:
		return it.Product
	case it.Article != nil:
		return it.Article
	}
	return it.Page
}

// translated returns the translation of a resource's field (a Shopify translation key such
// as title or body_html) in the request's @inContext language, or def when there is none
// or the language is the shop's: one batched lookup for every field of the request.
func translated(ctx context.Context, resourceID, key, def string) (string, error) {
	lang := incontext.From(ctx).Language
	if lang == "" {
		return def, nil
	}
	l := loader.For(ctx)
	sh, err := l.Shop()
	if err != nil {
		return "", err
	}
	if lang == sh.LanguageCode {
		return def, nil
	}
	m, err := l.Translations.Load(ctx, translation.Key{Locale: lang, ResourceID: resourceID})
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return def, nil
	}
	if err != nil {
		return "", err
	}
	if v, ok := m[key]; ok {
		return v, nil
	}
	return def, nil
}

// translatedText is the plain text of a translated HTML field, or def untranslated.
func translatedText(ctx context.Context, resourceID, key, def string) (string, error) {
	v, err := translated(ctx, resourceID, key, "")
	if err != nil || v == "" {
		return def, err
	}
	return strings.Join(strings.Fields(html.UnescapeString(searchindex.StripHTML(v))), " "), nil
}
