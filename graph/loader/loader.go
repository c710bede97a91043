// Package loader holds the per-request dataloaders of the Storefront API: nested fields
// (a product's variants, images, options, collections; a variant's product and image; a
// menu's items; a collection's products) are batched so that SQL statements per request
// do not grow with page size.
package loader

import (
	"context"
	"net/http"
	"sync"
	"time"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"storefront/ent"
	"storefront/ent/shoppolicy"
	"storefront/internal/catalog"
	"storefront/internal/gid"
	"storefront/internal/market"
	"storefront/internal/order"
	"storefront/internal/translation"
)

// wait is how long a loader collects keys before it queries; siblings resolved
// concurrently by gqlgen arrive well within it.
const wait = time.Millisecond

// Loaders are one request's loaders.
type Loaders struct {
	svc *catalog.Service

	Variants      *dataloadgen.Loader[int, []*ent.ProductVariant]
	Images        *dataloadgen.Loader[int, []*ent.ProductImage]
	Options       *dataloadgen.Loader[int, []*ent.ProductOption]
	CollectionsOf *dataloadgen.Loader[int, []*ent.Collection]
	Product       *dataloadgen.Loader[int, *ent.Product]
	Image         *dataloadgen.Loader[int, *ent.ProductImage]
	MenuItems     *dataloadgen.Loader[int, []*ent.MenuItem]
	Node          *dataloadgen.Loader[catalog.NodeRef, ent.Noder]
	Shop          func() (*ent.Shop, error)
	Markets       func() (market.Set, error)
	// FixedPrices are the fixed prices of a product's variants in a market.
	FixedPrices *dataloadgen.Loader[FixedKey, market.FixedPrices]
	// Languages are the languages the shop has translations in.
	Languages func() ([]string, error)
	// Translations are resources' translated fields by key, in one language.
	Translations    *dataloadgen.Loader[translation.Key, map[string]string]
	Policies        func() (map[shoppolicy.Kind]*ent.ShopPolicy, error)
	ContentImage    *dataloadgen.Loader[int, *ent.ContentImage]
	Blog            *dataloadgen.Loader[int, *ent.Blog]
	ArticleByHandle *dataloadgen.Loader[catalog.ArticleKey, *ent.Article]
	OrderLines      *dataloadgen.Loader[int, []*ent.OrderLine]
	Fulfillments    *dataloadgen.Loader[int, []*ent.Fulfillment]
	OrderAddress    *dataloadgen.Loader[int, *ent.MailingAddress]
	// OrderCurrency maps the ID of an order whose lines are read to its currency.
	OrderCurrency     sync.Map
	mu                sync.Mutex
	collectionProduct map[CollectionProductsKey]*dataloadgen.Loader[int, catalog.Page[*ent.Product]]
	// listed are the variants a prefetch read with catalog.ListedVariantColumns only, by
	// product: Variants never holds them (see ListedVariants).
	listed byProduct[[]*ent.ProductVariant]
	// featured are products' first images, by product, read by a prefetch that read no
	// other image (nil for a product without any).
	featured byProduct[*ent.ProductImage]
	// listedCollections are products' collections a prefetch read with
	// catalog.ListedCollectionColumns only: CollectionsOf never holds them.
	listedCollections byProduct[[]*ent.Collection]
}

// byProduct holds what a prefetch read of products in a form of its own (fewer columns,
// one image), kept apart from the loaders that other fields read.
type byProduct[T any] struct {
	mu sync.Mutex
	m  map[int]T
}

func (b *byProduct[T]) put(read map[int]T) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = make(map[int]T, len(read))
	}
	for id, v := range read {
		b.m[id] = v
	}
}

func (b *byProduct[T]) get(productID int) (T, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.m[productID]
	return v, ok
}

// New returns fresh loaders over svc for one request.
func New(ctx context.Context, svc *catalog.Service, orders *order.Service) *Loaders {
	opts := []dataloadgen.Option{dataloadgen.WithWait(wait)}
	l := &Loaders{
		svc:           svc,
		Variants:      dataloadgen.NewMappedLoader(svc.VariantsByProduct, opts...),
		Images:        dataloadgen.NewMappedLoader(svc.ImagesByProduct, opts...),
		Options:       dataloadgen.NewMappedLoader(svc.OptionsByProduct, opts...),
		CollectionsOf: dataloadgen.NewMappedLoader(svc.CollectionsByProduct, opts...),
		Product:       dataloadgen.NewMappedLoader(svc.ProductsByID, opts...),
		Image:         dataloadgen.NewMappedLoader(svc.ImagesByID, opts...),
		MenuItems:     dataloadgen.NewMappedLoader(svc.MenuItemsByMenu, opts...),
		Node:          dataloadgen.NewMappedLoader(svc.Nodes, opts...),
		Translations:  dataloadgen.NewMappedLoader(svc.Translations, opts...),
		FixedPrices:   dataloadgen.NewMappedLoader(fixedPrices(svc), opts...),
		Shop: sync.OnceValues(func() (*ent.Shop, error) {
			return svc.Shop(ctx)
		}),
		Policies: sync.OnceValues(func() (map[shoppolicy.Kind]*ent.ShopPolicy, error) {
			return svc.Policies(ctx)
		}),
		ContentImage:      dataloadgen.NewMappedLoader(svc.ContentImagesByID, opts...),
		Blog:              dataloadgen.NewMappedLoader(svc.BlogsByID, opts...),
		ArticleByHandle:   dataloadgen.NewMappedLoader(svc.ArticlesByHandle, opts...),
		collectionProduct: map[CollectionProductsKey]*dataloadgen.Loader[int, catalog.Page[*ent.Product]]{},
		OrderLines:        dataloadgen.NewMappedLoader(orders.Lines, opts...),
		Fulfillments:      dataloadgen.NewMappedLoader(orders.Fulfillments, opts...),
		OrderAddress:      dataloadgen.NewMappedLoader(orders.Addresses, opts...),
	}
	l.Languages = sync.OnceValues(func() ([]string, error) { return svc.TranslatedLanguages(ctx) })
	l.Markets = sync.OnceValues(func() (market.Set, error) {
		sh, err := l.Shop()
		if err != nil {
			return market.Set{}, err
		}
		return svc.Markets(ctx, sh)
	})
	return l
}

// FixedKey names the fixed prices of one product's variants in one market.
type FixedKey struct{ Market, Product int }

// fixedPrices is the fetch function of the FixedPrices loader: one statement per market
// (a request prices in one).
func fixedPrices(svc *catalog.Service) func(context.Context, []FixedKey) (map[FixedKey]market.FixedPrices, error) {
	return func(ctx context.Context, ks []FixedKey) (map[FixedKey]market.FixedPrices, error) {
		byMarket := map[int][]int{}
		for _, k := range ks {
			byMarket[k.Market] = append(byMarket[k.Market], k.Product)
		}
		out := make(map[FixedKey]market.FixedPrices, len(ks))
		for m, ids := range byMarket {
			fs, err := svc.FixedPrices(ctx, m, ids)
			if err != nil {
				return nil, err
			}
			for id, f := range fs {
				out[FixedKey{m, id}] = f
			}
		}
		return out, nil
	}
}

// Prefetch lists the nested data a list of products will need.
type Prefetch struct {
	Variants, VariantImages, Images, Options, Collections bool
	// FeaturedImage: the products' first images are shown (without Images, only those).
	FeaturedImage bool
	// ListedVariants (with Variants): the variants are read with
	// catalog.ListedVariantColumns only, as no field the operation selects on a variant
	// reads more. AllVariantColumns: some product field reads its variants' every column
	// itself (variantBySelectedOptions), so reading the listed columns too would read the
	// variants twice.
	ListedVariants, AllVariantColumns bool
	// ListedCollections (with Collections): the products' collections are read with
	// catalog.ListedCollectionColumns only, as no field the operation selects on a
	// collection reads more.
	ListedCollections bool
	// Prices: the products' prices are shown; in a market (Market, its ID), their fixed
	// prices there are read too, with the variants of products that have some.
	Prices bool
	Market int
	// Language, when set, is the language texts are translated into: the products' and
	// their options' (with Options) translations are read with them.
	Language string
}

// Merge returns the union of two prefetch lists.
func (p Prefetch) Merge(q Prefetch) Prefetch {
	return Prefetch{
		Variants:      p.Variants || q.Variants,
		VariantImages: p.VariantImages || q.VariantImages,
		Images:        p.Images || q.Images,
		FeaturedImage: p.FeaturedImage || q.FeaturedImage,
		Options:       p.Options || q.Options,
		// Decided for the whole operation once the selections are merged.
		ListedVariants:    p.ListedVariants && q.ListedVariants,
		AllVariantColumns: p.AllVariantColumns || q.AllVariantColumns,
		ListedCollections: p.ListedCollections && q.ListedCollections,
		Collections:       p.Collections || q.Collections,
		Prices:            p.Prices || q.Prices,
		Market:            max(p.Market, q.Market),
		Language:          max(p.Language, q.Language),
	}
}

// ListedVariants returns a product's variants for the fields that read only
// catalog.ListedVariantColumns of them (the variants connection, availableForSale,
// totalInventory, price ranges): those a prefetch read with only these columns, else
// Variants' (every column). Anything that reads more of a variant (its selected options)
// loads Variants, which never holds listed variants.
func (l *Loaders) ListedVariants(ctx context.Context, productID int) ([]*ent.ProductVariant, error) {
	if vs, ok := l.listed.get(productID); ok {
		return vs, nil
	}
	return l.Variants.Load(ctx, productID)
}

// ProductCollections returns a product's published collections for its collections
// connection: those a prefetch read with catalog.ListedCollectionColumns only, else
// CollectionsOf's (every column).
func (l *Loaders) ProductCollections(ctx context.Context, productID int) ([]*ent.Collection, error) {
	if cs, ok := l.listedCollections.get(productID); ok {
		return cs, nil
	}
	return l.CollectionsOf.Load(ctx, productID)
}

// FeaturedImage returns a product's first image, nil if it has none: the one a prefetch
// read alone, else the first of Images'.
func (l *Loaders) FeaturedImage(ctx context.Context, productID int) (*ent.ProductImage, error) {
	if img, ok := l.featured.get(productID); ok {
		return img, nil
	}
	is, err := l.Images.Load(ctx, productID)
	if err != nil || len(is) == 0 {
		return nil, err
	}
	return is[0], nil
}

// PrefetchProducts loads, for all the products at once, the nested data p lists and primes
// the loaders with it, so the products' field resolvers find it without querying. The
// products themselves are primed too (a variant's product is its parent).
func (l *Loaders) PrefetchProducts(ctx context.Context, products []*ent.Product, p Prefetch) error {
	if len(products) == 0 {
		return nil
	}
	ids := make([]int, len(products))
	for i, pr := range products {
		ids[i] = pr.ID
		l.Product.Prime(pr.ID, pr)
	}
	if p.ListedVariants {
		byProduct, err := l.svc.ListedVariantsByProduct(ctx, ids)
		if err != nil {
			return err
		}
		l.listed.put(byProduct)
	} else if p.Variants {
		byProduct, err := l.svc.VariantsByProduct(ctx, ids)
		if err != nil {
			return err
		}
		for id, vs := range byProduct {
			l.Variants.Prime(id, vs)
		}
	}
	if p.Prices && p.Market != 0 {
		byProduct, err := l.svc.FixedPrices(ctx, p.Market, ids)
		if err != nil {
			return err
		}
		var withFixed []int
		for id, fs := range byProduct {
			l.FixedPrices.Prime(FixedKey{p.Market, id}, fs)
			if len(fs) > 0 {
				withFixed = append(withFixed, id)
			}
		}
		// A product's price range in the market comes from its variants once some have
		// fixed prices: read those products' variants if they were not read above.
		if !p.Variants && len(withFixed) > 0 {
			byProduct, err := l.svc.VariantsByProduct(ctx, withFixed)
			if err != nil {
				return err
			}
			for id, vs := range byProduct {
				l.Variants.Prime(id, vs)
			}
		}
	}
	if p.Images || p.VariantImages {
		byProduct, err := l.svc.ImagesByProduct(ctx, ids)
		if err != nil {
			return err
		}
		for id, is := range byProduct {
			l.Images.Prime(id, is)
			for _, img := range is {
				l.Image.Prime(img.ID, img)
			}
		}
	}
	if p.FeaturedImage && !p.Images && !p.VariantImages {
		byProduct, err := l.svc.FeaturedImagesByProduct(ctx, ids)
		if err != nil {
			return err
		}
		l.featured.put(byProduct)
	}
	var options map[int][]*ent.ProductOption
	if p.Options {
		byProduct, err := l.svc.OptionsByProduct(ctx, ids)
		if err != nil {
			return err
		}
		for id, os := range byProduct {
			l.Options.Prime(id, os)
		}
		options = byProduct
	}
	if p.Language != "" {
		if err := l.prefetchTranslations(ctx, p.Language, ids, options); err != nil {
			return err
		}
	}
	if p.ListedCollections {
		byProduct, err := l.svc.ListedCollectionsByProduct(ctx, ids)
		if err != nil {
			return err
		}
		l.listedCollections.put(byProduct)
	} else if p.Collections {
		byProduct, err := l.svc.CollectionsByProduct(ctx, ids)
		if err != nil {
			return err
		}
		for id, cs := range byProduct {
			l.CollectionsOf.Prime(id, cs)
		}
	}
	return nil
}

// prefetchTranslations reads, in one statement, the translations into lang of products
// and of their options and option values, and primes the translation loader with them
// (with none for a resource without any, so no field asks again).
func (l *Loaders) prefetchTranslations(ctx context.Context, lang string, productIDs []int, options map[int][]*ent.ProductOption) error {
	var ks []translation.Key
	key := func(typ string, id int) {
		ks = append(ks, translation.Key{Locale: lang, ResourceID: gid.Format(typ, id)})
	}
	for _, id := range productIDs {
		key(gid.Product, id)
		for _, o := range options[id] {
			key(gid.ProductOption, o.ID)
			for _, v := range o.Edges.Values {
				key(gid.ProductOptionValue, v.ID)
			}
		}
	}
	found, err := l.svc.Translations(ctx, ks)
	if err != nil {
		return err
	}
	for _, k := range ks {
		m := found[k]
		if m == nil {
			m = map[string]string{}
		}
		l.Translations.Prime(k, m)
	}
	return nil
}

// PrefetchCartMerchandise loads the products and images of cart lines' variants in two
// statements and primes the loaders, so a cart's lines cost the same whatever their number.
func (l *Loaders) PrefetchCartMerchandise(ctx context.Context, variants []*ent.ProductVariant) error {
	if len(variants) == 0 {
		return nil
	}
	var productIDs, imageIDs []int
	for _, v := range variants {
		productIDs = append(productIDs, v.ProductID)
		if v.ImageID != nil {
			imageIDs = append(imageIDs, *v.ImageID)
		}
	}
	ps, err := l.svc.ProductsAnyByID(ctx, productIDs)
	if err != nil {
		return err
	}
	for _, p := range ps {
		l.Product.Prime(p.ID, p)
	}
	if len(imageIDs) > 0 {
		imgs, err := l.svc.ImagesByID(ctx, imageIDs)
		if err != nil {
			return err
		}
		for id, img := range imgs {
			l.Image.Prime(id, img)
		}
	}
	return nil
}

// PrefetchOrders loads the lines, fulfillments and address snapshots of a page of orders
// (three statements) and primes the loaders.
func (l *Loaders) PrefetchOrders(ctx context.Context, orders *order.Service, os []*ent.Order) error {
	if len(os) == 0 {
		return nil
	}
	ids := make([]int, len(os))
	var addrIDs []int
	for i, o := range os {
		ids[i] = o.ID
		for _, a := range []*int{o.ShippingAddressID, o.BillingAddressID} {
			if a != nil {
				addrIDs = append(addrIDs, *a)
			}
		}
	}
	lines, err := orders.Lines(ctx, ids)
	if err != nil {
		return err
	}
	for id, ls := range lines {
		l.OrderLines.Prime(id, ls)
	}
	fs, err := orders.Fulfillments(ctx, ids)
	if err != nil {
		return err
	}
	for id, f := range fs {
		l.Fulfillments.Prime(id, f)
	}
	if len(addrIDs) > 0 {
		as, err := orders.Addresses(ctx, addrIDs)
		if err != nil {
			return err
		}
		for id, a := range as {
			l.OrderAddress.Prime(id, a)
		}
	}
	return nil
}

// CollectionProductsKey groups Collection.products requests that can share one statement:
// the same paging arguments, sort and filters, for different collections.
type CollectionProductsKey struct {
	First, Last   int // -1 when absent
	After, Before string
	HasAfter      bool
	HasBefore     bool
	Reverse       bool
	Sort          catalog.ProductSort
	Filters       string
	// Field is the query's Collection.products field: siblings at one place in the query
	// share it, and with it the selection that says what to prefetch.
	Field *ast.Field
}

// KeyOf builds the grouping key of a Collection.products request.
func KeyOf(field *ast.Field, a catalog.Args, sort catalog.ProductSort, filters string) CollectionProductsKey {
	k := CollectionProductsKey{First: -1, Last: -1, Reverse: a.Reverse, Sort: sort, Filters: filters, Field: field}
	if a.First != nil {
		k.First = *a.First
	}
	if a.Last != nil {
		k.Last = *a.Last
	}
	if a.After != nil {
		k.After, k.HasAfter = *a.After, true
	}
	if a.Before != nil {
		k.Before, k.HasBefore = *a.Before, true
	}
	return k
}

// CollectionProducts returns the loader for one group of Collection.products requests; pr
// is the request's market, whose prices PRICE sorts by.
func (l *Loaders) CollectionProducts(key CollectionProductsKey, a catalog.Args, filter func(*entsql.Selector), p Prefetch, pr market.Pricer) *dataloadgen.Loader[int, catalog.Page[*ent.Product]] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ld, ok := l.collectionProduct[key]; ok {
		return ld
	}
	var filters []func(*entsql.Selector)
	if filter != nil {
		filters = append(filters, filter)
	}
	ld := dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int) (map[int]catalog.Page[*ent.Product], error) {
		pages, err := l.svc.CollectionProducts(ctx, ids, a, key.Sort, filters, pr)
		if err != nil {
			return nil, err
		}
		var all []*ent.Product
		for _, pg := range pages {
			all = append(all, pg.Items...)
		}
		if err := l.PrefetchProducts(ctx, all, p); err != nil {
			return nil, err
		}
		return pages, nil
	}, dataloadgen.WithWait(wait))
	l.collectionProduct[key] = ld
	return ld
}

type ctxKey struct{}

// Middleware gives every request its own loaders.
func Middleware(svc *catalog.Service, orders *order.Service, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		ctx = context.WithValue(ctx, ctxKey{}, New(ctx, svc, orders))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// For returns the request's loaders.
func For(ctx context.Context) *Loaders {
	return ctx.Value(ctxKey{}).(*Loaders)
}
