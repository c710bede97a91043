// Package catalog owns the shop's catalog as the Storefront API shows it: published
// products, collections, pages, menus and shop settings, keyset-paginated listings, and
// the batch reads that keep SQL statements per request independent of page size.
package catalog

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent"
	"storefront/ent/collection"
	"storefront/ent/menu"
	"storefront/ent/page"
	"storefront/ent/predicate"
	"storefront/ent/product"
	"storefront/internal/analytics"
	"storefront/internal/market"
	"storefront/internal/paging"
	"storefront/internal/store"
	"storefront/internal/translation"
)

// Service reads the catalog. It is safe for concurrent use.
type Service struct {
	db  *store.DB
	now func() time.Time
	// events records searches for the analytics; nil records none.
	events *analytics.Recorder
	// shop is the shop row as of a count of catalog changes (SQLite only: see Shop).
	shop atomic.Pointer[cachedShop]
}

type cachedShop struct {
	shop    *ent.Shop
	changes int64
}

// New returns a catalog service over db.
func New(db *store.DB) *Service {
	return &Service{db: db, now: func() time.Time { return time.Now().UTC() }}
}

// ErrNoShop means the database has no shop settings yet (it was never seeded).
var ErrNoShop = errors.New("shop settings missing: run the seed command or start with an empty database")

// visible is the Storefront rule for anything publishable: published, and published_at
// (when set) not in the future.
func (s *Service) visibleProduct() predicate.Product {
	return product.And(product.Published(true), product.Or(product.PublishedAtIsNil(), product.PublishedAtLTE(s.now())))
}

func (s *Service) visibleCollection() predicate.Collection {
	return collection.And(collection.Published(true), collection.Or(collection.PublishedAtIsNil(), collection.PublishedAtLTE(s.now())))
}

func (s *Service) visiblePage() predicate.Page {
	return page.And(page.Published(true), page.Or(page.PublishedAtIsNil(), page.PublishedAtLTE(s.now())))
}

// visibleSQL applies the same rule inside a hand-built listing over table alias "t".
func (s *Service) visibleSQL() func(*entsql.Selector) {
	now := s.now()
	return func(sel *entsql.Selector) {
		sel.Where(entsql.And(
			entsql.EQ(sel.C("published"), true),
			entsql.Or(entsql.IsNull(sel.C("published_at")), entsql.LTE(sel.C("published_at"), now)),
		))
	}
}

// notFound turns ent's not-found into (nil, nil): unknown and invisible objects read as null.
func notFound[T any](v *T, err error) (*T, error) {
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Product returns the published product with the given ID, or nil.
func (s *Service) Product(ctx context.Context, id int) (*ent.Product, error) {
	return only(s.products(ctx, `p.id = ? AND `+visibleProductSQL, id, s.now()))
}

// ProductByHandle returns the published product with the given handle, or nil.
func (s *Service) ProductByHandle(ctx context.Context, handle string) (*ent.Product, error) {
	return only(s.products(ctx, `p.handle = ? AND `+visibleProductSQL, handle, s.now()))
}

// Collection returns the published collection with the given ID, or nil.
func (s *Service) Collection(ctx context.Context, id int) (*ent.Collection, error) {
	return only(s.collections(ctx, `c.id = ? AND `+visibleCollectionSQL, id, s.now()))
}

// CollectionByHandle returns the published collection with the given handle, or nil.
func (s *Service) CollectionByHandle(ctx context.Context, handle string) (*ent.Collection, error) {
	return only(s.collections(ctx, `c.handle = ? AND `+visibleCollectionSQL, handle, s.now()))
}

// Page returns the published page with the given ID, or nil.
func (s *Service) Page(ctx context.Context, id int) (*ent.Page, error) {
	return notFound(s.db.Page.Query().Where(page.ID(id), s.visiblePage()).Only(ctx))
}

// PageByHandle returns the published page with the given handle, or nil.
func (s *Service) PageByHandle(ctx context.Context, handle string) (*ent.Page, error) {
	return notFound(s.db.Page.Query().Where(page.Handle(handle), s.visiblePage()).Only(ctx))
}

// MenuByHandle returns the menu with the given handle, or nil.
func (s *Service) MenuByHandle(ctx context.Context, handle string) (*ent.Menu, error) {
	return notFound(s.db.Menu.Query().Where(menu.Handle(handle)).Only(ctx))
}

// Menu returns the menu with the given ID, or nil.
func (s *Service) Menu(ctx context.Context, id int) (*ent.Menu, error) {
	return notFound(s.db.Menu.Query().Where(menu.ID(id)).Only(ctx))
}

// Shop returns the shop settings (the first Shop row). Callers must not modify it.
//
// On SQLite every write comes through this process (the database is one process's), so
// the row is kept in memory and read again after any catalog change (store.Changes counts
// them, a change to the shop included): every request reads the shop, and that statement
// was a twentieth of a catalog read. On PostgreSQL other instances write too, so it is read
// each time.
func (s *Service) Shop(ctx context.Context) (*ent.Shop, error) {
	if s.db.Dialect != dialect.SQLite || s.db.Changes == nil {
		return s.readShop(ctx)
	}
	n := s.db.Changes.Count()
	if c := s.shop.Load(); c != nil && c.changes == n {
		return c.shop, nil
	}
	sh, err := s.readShop(ctx)
	// A change committed while the row was read may not be in it: keep it only if none was.
	if err == nil && s.db.Changes.Count() == n {
		s.shop.Store(&cachedShop{shop: sh, changes: n})
	}
	return sh, err
}

func (s *Service) readShop(ctx context.Context) (*ent.Shop, error) {
	sh, err := s.db.Shop.Query().Order(ent.Asc("id")).First(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrNoShop
	}
	if err != nil {
		return nil, fmt.Errorf("read shop: %w", err)
	}
	return sh, nil
}

// Markets returns the shop's enabled markets (one statement).
func (s *Service) Markets(ctx context.Context, shop *ent.Shop) (market.Set, error) {
	return market.Load(ctx, s.db.Client, shop)
}

// FixedPrices returns a market's fixed prices of the variants of products, by product ID
// (one statement).
func (s *Service) FixedPrices(ctx context.Context, marketID int, productIDs []int) (map[int]market.FixedPrices, error) {
	return market.FixedPricesOfProducts(ctx, s.db.Client, marketID, productIDs)
}

// Translations returns the translations of resources in languages (one statement for all
// keys): the fetch function of the request's translation loader.
func (s *Service) Translations(ctx context.Context, ks []translation.Key) (map[translation.Key]map[string]string, error) {
	return translation.New(s.db).Lookup(ctx, ks)
}

// TranslatedLanguages lists the LanguageCodes the shop has translations in.
func (s *Service) TranslatedLanguages(ctx context.Context) ([]string, error) {
	return translation.New(s.db).Languages(ctx)
}

// Dialect is the database dialect ("sqlite3" or "postgres"), for callers that build predicates.
func (s *Service) Dialect() string { return s.db.Dialect }

// Paging types, re-exported for the API layer.
type (
	// Args are a connection's paging arguments.
	Args = paging.Args
	// InputError is a malformed argument the client can fix.
	InputError = paging.InputError
)

// Page is one page of a connection.
type Page[T any] = paging.Page[T]

// MaxPageSize is the most items one page may hold.
const MaxPageSize = paging.MaxPageSize
