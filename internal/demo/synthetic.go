package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"storefront/ent"
	"storefront/ent/schema"
	"storefront/internal/searchindex"
	"storefront/internal/store"
)

var (
	synAdjectives = []string{"Classic", "Modern", "Vintage", "Organic", "Rugged", "Compact", "Deluxe", "Everyday", "Premium", "Essential", "Urban", "Coastal", "Alpine", "Studio", "Heritage", "Nordic"}
	synNouns      = []string{"Tee", "Hoodie", "Jacket", "Sneaker", "Backpack", "Lamp", "Mug", "Blanket", "Speaker", "Charger", "Keyboard", "Candle", "Planter", "Wallet", "Watch", "Bottle", "Chair", "Notebook"}
	synVendors    = []string{"Northwind", "Trailhead", "Volt Audio", "Hearth", "Loom House", "Keyforge", "Amp Co", "Greenhouse", "Ember & Wick", "Denim Works"}
	synTypes      = []string{"Apparel", "Footwear", "Bags", "Lighting", "Kitchen", "Bedding", "Audio", "Charging", "Desk", "Candles", "Garden", "Accessories"}
	synTags       = []string{"new", "sale", "organic", "bestseller", "gift", "eco", "limited", "summer", "winter", "outdoor", "travel", "kids"}
	synOptions    = []opt{
		{"Size", []string{"XS", "S", "M", "L", "XL", "XXL"}},
		{"Color", []string{"Black", "White", "Red", "Blue", "Green", "Grey", "Navy", "Sand"}},
		{"Material", []string{"Cotton", "Wool", "Linen", "Leather"}},
	}
)

// Synthetic adds n products (handles synthetic-00001…) with 1 to 12 variants, 1 to 3
// options, 1 to 3 images and memberships in 50 collections, for benchmarks. It is
// deterministic: the same n gives the same catalog.
func Synthetic(ctx context.Context, db *store.DB, baseURL string, n int) error {
	if n <= 0 {
		return nil
	}
	if err := ensureShop(ctx, db); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(42, uint64(n)))
	first, err := db.Product.Query().Count(ctx)
	if err != nil {
		return err
	}
	var colIDs []int
	for i := 0; i < 50; i++ {
		c, err := db.Collection.Create().
			SetHandle(fmt.Sprintf("synthetic-collection-%02d-%d", i, first)).
			SetTitle(fmt.Sprintf("Synthetic Collection %02d", i)).
			SetPublished(true).
			Save(ctx)
		if err != nil {
			return fmt.Errorf("synthetic collection: %w", err)
		}
		colIDs = append(colIDs, c.ID)
	}
	const batch = 250
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		tx, err := db.Tx(ctx)
		if err != nil {
			return err
		}
		bctx, pending := searchindex.Batch(ctx)
		if err := syntheticBatch(bctx, tx.Client(), rng, baseURL, first, start, end, colIDs, base); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("synthetic products %d-%d: %w", start, end, err)
		}
		if err := pending.Flush(ctx, db.Search, tx.Client()); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("index synthetic products %d-%d: %w", start, end, err)
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	// Fresh statistics, so PostgreSQL's planner sees the catalog it will serve (autovacuum
	// would gather them eventually). SQLite plans without them.
	if db.Dialect == dialect.Postgres {
		if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
			return fmt.Errorf("analyze after loading: %w", err)
		}
	}
	return nil
}

func ensureShop(ctx context.Context, db *store.DB) error {
	n, err := db.Shop.Query().Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	return db.Shop.Create().SetName("Storefront Benchmark").SetShipsToCountries([]string{"US"}).Exec(ctx)
}

func syntheticBatch(ctx context.Context, c *ent.Client, rng *rand.Rand, baseURL string, offset, start, end int, colIDs []int, base time.Time) error {
	pcs := make([]*ent.ProductCreate, 0, end-start)
	for i := start; i < end; i++ {
		title := fmt.Sprintf("%s %s %s %d", synAdjectives[rng.IntN(len(synAdjectives))], synVendors[rng.IntN(len(synVendors))], synNouns[rng.IntN(len(synNouns))], offset+i+1)
		tags := []string{synTags[rng.IntN(len(synTags))], synTags[rng.IntN(len(synTags))]}
		at := base.Add(time.Duration(i) * time.Minute)
		pcs = append(pcs, c.Product.Create().
			SetHandle(fmt.Sprintf("synthetic-%05d", offset+i+1)).
			SetTitle(title).
			SetDescription("Synthetic product for benchmarks: "+strings.ToLower(title)+".").
			SetVendor(synVendors[rng.IntN(len(synVendors))]).
			SetProductType(synTypes[rng.IntN(len(synTypes))]).
			SetTags(tags).
			SetPublished(rng.IntN(20) != 0).
			SetPublishedAt(at).SetCreatedAt(at).SetUpdatedAt(at).
			SetUnitsSold(int64(rng.IntN(1000))))
	}
	ps, err := c.Product.CreateBulk(pcs...).Save(ctx)
	if err != nil {
		return err
	}
	var (
		options  []*ent.ProductOptionCreate
		optionOf []opt
		images   []*ent.ProductImageCreate
		variants []*ent.ProductVariantCreate
		members  []*ent.CollectionProductCreate
	)
	for _, p := range ps {
		nOpts := 1 + rng.IntN(3)
		opts := make([]opt, nOpts)
		for j := range opts {
			o := synOptions[j]
			k := 1 + rng.IntN(min(4, len(o.values)))
			opts[j] = opt{o.name, o.values[:k]}
		}
		for j, o := range opts {
			options = append(options, c.ProductOption.Create().SetProductID(p.ID).SetName(o.name).SetPosition(j))
			optionOf = append(optionOf, o)
		}
		for j := 0; j < 1+rng.IntN(3); j++ {
			images = append(images, c.ProductImage.Create().SetProductID(p.ID).SetPosition(j).
				SetURL(imageURL(baseURL, p.Handle, j+1)).SetAltText(p.Title).SetWidth(800).SetHeight(800))
		}
		price := int64(500 + rng.IntN(300)*100)
		combos := cartesian(opts)
		if len(combos) > 12 {
			combos = combos[:12]
		}
		for j, combo := range combos {
			sel := make([]schema.SelectedOption, len(combo))
			names := make([]string, len(combo))
			for k, vi := range combo {
				sel[k] = schema.SelectedOption{Name: opts[k].name, Value: opts[k].values[vi]}
				names[k] = opts[k].values[vi]
			}
			vc := c.ProductVariant.Create().SetProductID(p.ID).SetPosition(j).
				SetTitle(strings.Join(names, " / ")).
				SetSku(fmt.Sprintf("SYN-%d-%d", p.ID, j)).
				SetPrice(price + int64(j)*100).
				SetAvailable(rng.IntN(30)).
				SetSelectedOptions(sel)
			if rng.IntN(4) == 0 {
				vc.SetCompareAtPrice(price + int64(j)*100 + 1000)
			}
			variants = append(variants, vc)
		}
		for _, ci := range rng.Perm(len(colIDs))[:2] {
			members = append(members, c.CollectionProduct.Create().SetCollectionID(colIDs[ci]).SetProductID(p.ID).SetPosition(p.ID))
		}
	}
	saved, err := createInChunks(ctx, options, 500, c.ProductOption.CreateBulk)
	if err != nil {
		return err
	}
	var values []*ent.ProductOptionValueCreate
	for i, o := range saved {
		for j, v := range optionOf[i].values {
			values = append(values, c.ProductOptionValue.Create().SetOptionID(o.ID).SetName(v).SetPosition(j))
		}
	}
	if _, err := createInChunks(ctx, values, 500, c.ProductOptionValue.CreateBulk); err != nil {
		return err
	}
	if _, err := createInChunks(ctx, images, 500, c.ProductImage.CreateBulk); err != nil {
		return err
	}
	if _, err := createInChunks(ctx, variants, 500, c.ProductVariant.CreateBulk); err != nil {
		return err
	}
	if _, err := createInChunks(ctx, members, 500, c.CollectionProduct.CreateBulk); err != nil {
		return err
	}
	return nil
}

// saver is the Save of an ent bulk builder.
type saver[T any] interface {
	Save(context.Context) ([]T, error)
}

// createInChunks saves builders in bulk statements of at most size rows, within the
// parameter limits of SQLite and PostgreSQL.
func createInChunks[B any, T any, S saver[T]](ctx context.Context, builders []B, size int, bulk func(...B) S) ([]T, error) {
	var out []T
	for i := 0; i < len(builders); i += size {
		saved, err := bulk(builders[i:min(i+size, len(builders))]...).Save(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, saved...)
	}
	return out, nil
}
