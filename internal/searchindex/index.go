package searchindex

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"storefront/ent"
	"storefront/ent/article"
	"storefront/ent/collection"
	"storefront/ent/hook"
	"storefront/ent/page"
	"storefront/ent/product"
	"storefront/ent/productvariant"
)

// Index keeps one database's search index current.
type Index struct {
	Engine  Engine
	Dialect string
}

// New returns the index of a dialect.
func New(dialectName string) *Index { return &Index{Engine: For(dialectName), Dialect: dialectName} }

// Install adds hooks to client that re-index products, collections, pages and articles in the same
// transaction as every write that changes their searchable text, whoever writes (services,
// the Admin API, the seeder).
func (x *Index) Install(client *ent.Client) {
	client.Product.Use(func(next ent.Mutator) ent.Mutator {
		return hook.ProductFunc(func(ctx context.Context, m *ent.ProductMutation) (ent.Value, error) {
			return reindexAround(ctx, m, next, Products, func(c *ent.Client, ids []int) error { return x.RefreshProducts(ctx, c, ids) })
		})
	})
	client.Collection.Use(func(next ent.Mutator) ent.Mutator {
		return hook.CollectionFunc(func(ctx context.Context, m *ent.CollectionMutation) (ent.Value, error) {
			return reindexAround(ctx, m, next, Collections, func(c *ent.Client, ids []int) error { return x.RefreshCollections(ctx, c, ids) })
		})
	})
	client.Page.Use(func(next ent.Mutator) ent.Mutator {
		return hook.PageFunc(func(ctx context.Context, m *ent.PageMutation) (ent.Value, error) {
			return reindexAround(ctx, m, next, Pages, func(c *ent.Client, ids []int) error { return x.RefreshPages(ctx, c, ids) })
		})
	})
	client.Article.Use(func(next ent.Mutator) ent.Mutator {
		return hook.ArticleFunc(func(ctx context.Context, m *ent.ArticleMutation) (ent.Value, error) {
			return reindexAround(ctx, m, next, Articles, func(c *ent.Client, ids []int) error { return x.RefreshArticles(ctx, c, ids) })
		})
	})
	// Variants carry SKUs and option values, which are part of their product's document.
	client.ProductVariant.Use(func(next ent.Mutator) ent.Mutator {
		return hook.ProductVariantFunc(func(ctx context.Context, m *ent.ProductVariantMutation) (ent.Value, error) {
			_, sku := m.Sku()
			_, opts := m.SelectedOptions()
			_, moved := m.ProductID()
			if !m.Op().Is(ent.OpCreate|ent.OpDelete|ent.OpDeleteOne) && !sku && !opts && !moved && !m.SkuCleared() {
				return next.Mutate(ctx, m) // stock and price changes leave the text alone
			}
			products, err := VariantProducts(ctx, m)
			if err != nil {
				return nil, err
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			if p := pendingFrom(ctx); p != nil {
				p.add(Products, products)
				return v, nil
			}
			return v, x.RefreshProducts(ctx, m.Client(), products)
		})
	})
}

// VariantProducts returns the products a variant mutation touches: the product it sets
// and, unless it creates, the products of the variants it changes or deletes (read before
// the mutation runs).
func VariantProducts(ctx context.Context, m *ent.ProductVariantMutation) ([]int, error) {
	var products []int
	if id, ok := m.ProductID(); ok {
		products = append(products, id)
	}
	if m.Op().Is(ent.OpCreate) {
		return products, nil
	}
	ids, err := m.IDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("find variants to update: %w", err)
	}
	if len(ids) == 0 {
		return products, nil
	}
	before, err := m.Client().ProductVariant.Query().Where(productvariant.IDIn(ids...)).
		Unique(true).Select(productvariant.FieldProductID).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("find products of variants: %w", err)
	}
	return append(products, before...), nil
}

// mutation is what reindexAround needs of a generated mutation.
type mutation interface {
	ent.Mutation
	IDs(ctx context.Context) ([]int, error)
	ID() (int, bool)
	Client() *ent.Client
}

func reindexAround[M mutation](ctx context.Context, m M, next ent.Mutator, kind Kind, refresh func(*ent.Client, []int) error) (ent.Value, error) {
	var ids []int
	if !m.Op().Is(ent.OpCreate) {
		var err error
		if ids, err = m.IDs(ctx); err != nil {
			return nil, fmt.Errorf("find %s rows to re-index: %w", m.Type(), err)
		}
	}
	v, err := next.Mutate(ctx, m)
	if err != nil {
		return v, err
	}
	if m.Op().Is(ent.OpCreate) {
		if id, ok := m.ID(); ok {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return v, nil
	}
	if p := pendingFrom(ctx); p != nil {
		p.add(kind, ids)
		return v, nil
	}
	return v, refresh(m.Client(), ids)
}

// RefreshProducts re-reads products and their variants and updates their documents
// (removing those of deleted products) and the vocabulary.
func (x *Index) RefreshProducts(ctx context.Context, c *ent.Client, ids []int) error {
	ids = uniq(ids)
	if len(ids) == 0 {
		return nil
	}
	ps, err := c.Product.Query().Where(product.IDIn(ids...)).
		WithVariants(func(q *ent.ProductVariantQuery) {
			q.Select(productvariant.FieldProductID, productvariant.FieldSku, productvariant.FieldSelectedOptions)
		}).All(ctx)
	if err != nil {
		return fmt.Errorf("read products to index: %w", err)
	}
	docs := make([]Document, 0, len(ps))
	for _, p := range ps {
		docs = append(docs, ProductDocument(p))
	}
	return x.apply(ctx, c, Products, ids, docs)
}

// ProductDocument is a product's search document (its variants loaded).
func ProductDocument(p *ent.Product) Document {
	body := []string{p.Description, p.Vendor, p.ProductType}
	var values []string
	for _, v := range p.Edges.Variants {
		if v.Sku != nil {
			body = append(body, *v.Sku)
		}
		for _, o := range v.SelectedOptions {
			if !slices.Contains(values, o.Value) {
				values = append(values, o.Value)
			}
		}
	}
	body = append(body, values...)
	d := Document{ID: p.ID, Title: Normalize(p.Title), Tags: Normalize(strings.Join(p.Tags, " ")), Body: Normalize(strings.Join(body, " "))}
	vocab := Words(d.Title)
	vocab = append(vocab, Words(d.Tags)...)
	for _, s := range append([]string{p.Vendor, p.ProductType}, values...) {
		vocab = append(vocab, FoldWords(s)...)
	}
	d.Words = vocabularyOf(vocab)
	return d
}

// RefreshCollections updates the documents of collections.
func (x *Index) RefreshCollections(ctx context.Context, c *ent.Client, ids []int) error {
	ids = uniq(ids)
	cs, err := c.Collection.Query().Where(collection.IDIn(ids...)).All(ctx)
	if err != nil {
		return fmt.Errorf("read collections to index: %w", err)
	}
	docs := make([]Document, 0, len(cs))
	for _, col := range cs {
		d := Document{ID: col.ID, Title: Normalize(col.Title), Body: Normalize(col.Description)}
		d.Words = vocabularyOf(Words(d.Title))
		docs = append(docs, d)
	}
	return x.apply(ctx, c, Collections, ids, docs)
}

// RefreshPages updates the documents of pages (their text without HTML markup).
func (x *Index) RefreshPages(ctx context.Context, c *ent.Client, ids []int) error {
	ids = uniq(ids)
	ps, err := c.Page.Query().Where(page.IDIn(ids...)).All(ctx)
	if err != nil {
		return fmt.Errorf("read pages to index: %w", err)
	}
	docs := make([]Document, 0, len(ps))
	for _, p := range ps {
		docs = append(docs, Document{ID: p.ID, Title: Normalize(p.Title), Body: Normalize(StripHTML(p.Body))})
	}
	return x.apply(ctx, c, Pages, ids, docs)
}

// RefreshArticles updates the documents of articles: title, tags, and the author and text
// (without HTML markup) as body.
func (x *Index) RefreshArticles(ctx context.Context, c *ent.Client, ids []int) error {
	ids = uniq(ids)
	as, err := c.Article.Query().Where(article.IDIn(ids...)).All(ctx)
	if err != nil {
		return fmt.Errorf("read articles to index: %w", err)
	}
	docs := make([]Document, 0, len(as))
	for _, a := range as {
		body := a.AuthorName + " " + StripHTML(a.ContentHTML)
		d := Document{ID: a.ID, Title: Normalize(a.Title), Tags: Normalize(strings.Join(a.Tags, " ")), Body: Normalize(body)}
		d.Words = vocabularyOf(append(Words(d.Title), Words(d.Tags)...))
		docs = append(docs, d)
	}
	return x.apply(ctx, c, Articles, ids, docs)
}

// apply writes docs, removes the wanted ids that no longer exist, and moves the
// vocabulary's document counts from the words the documents had to those they have.
func (x *Index) apply(ctx context.Context, c *ent.Client, kind Kind, wanted []int, docs []Document) error {
	old, err := x.Engine.Words(ctx, c, kind, wanted)
	if err != nil {
		return err
	}
	found := make(map[int]bool, len(docs))
	delta := map[string]int{}
	for _, d := range docs {
		found[d.ID] = true
		for _, w := range d.Words {
			delta[w]++
		}
	}
	for _, ws := range old {
		for _, w := range ws {
			delta[w]--
		}
	}
	var gone []int
	for _, id := range wanted {
		if !found[id] {
			gone = append(gone, id)
		}
	}
	if err := x.Engine.Delete(ctx, c, kind, gone); err != nil {
		return err
	}
	if err := x.Engine.Put(ctx, c, kind, docs); err != nil {
		return err
	}
	return updateVocabulary(ctx, c, x.Dialect, delta)
}

// Migrate creates the index and fills it when it does not hold every row yet (a database
// created before search existed, or rows written without the hooks).
func (x *Index) Migrate(ctx context.Context, c *ent.Client) error {
	if err := x.Engine.Migrate(ctx, c); err != nil {
		return err
	}
	counts := map[Kind]func() (int, error){
		Products:    func() (int, error) { return c.Product.Query().Count(ctx) },
		Collections: func() (int, error) { return c.Collection.Query().Count(ctx) },
		Pages:       func() (int, error) { return c.Page.Query().Count(ctx) },
		Articles:    func() (int, error) { return c.Article.Query().Count(ctx) },
	}
	for _, k := range Kinds {
		rows, err := counts[k]()
		if err != nil {
			return fmt.Errorf("count %ss: %w", k, err)
		}
		indexed, err := x.Engine.Count(ctx, c, k)
		if err != nil {
			return fmt.Errorf("count indexed %ss: %w", k, err)
		}
		if rows != indexed {
			if err := x.Rebuild(ctx, c, k); err != nil {
				return err
			}
		}
	}
	return nil
}

// Rebuild re-indexes every row of a kind, in batches.
func (x *Index) Rebuild(ctx context.Context, c *ent.Client, k Kind) error {
	const batch = 500
	last := 0
	for {
		var ids []int
		var err error
		switch k {
		case Products:
			ids, err = c.Product.Query().Where(product.IDGT(last)).Order(ent.Asc(product.FieldID)).Limit(batch).IDs(ctx)
		case Collections:
			ids, err = c.Collection.Query().Where(collection.IDGT(last)).Order(ent.Asc(collection.FieldID)).Limit(batch).IDs(ctx)
		case Pages:
			ids, err = c.Page.Query().Where(page.IDGT(last)).Order(ent.Asc(page.FieldID)).Limit(batch).IDs(ctx)
		case Articles:
			ids, err = c.Article.Query().Where(article.IDGT(last)).Order(ent.Asc(article.FieldID)).Limit(batch).IDs(ctx)
		}
		if err != nil {
			return fmt.Errorf("list %ss to index: %w", k, err)
		}
		if len(ids) == 0 {
			return nil
		}
		if err := x.refresh(ctx, c, k, ids); err != nil {
			return err
		}
		last = ids[len(ids)-1]
	}
}

// refresh re-indexes rows of a kind.
func (x *Index) refresh(ctx context.Context, c *ent.Client, k Kind, ids []int) error {
	switch k {
	case Products:
		return x.RefreshProducts(ctx, c, ids)
	case Collections:
		return x.RefreshCollections(ctx, c, ids)
	case Pages:
		return x.RefreshPages(ctx, c, ids)
	case Articles:
		return x.RefreshArticles(ctx, c, ids)
	}
	return fmt.Errorf("searchindex: unknown kind %q", k)
}

func uniq(ids []int) []int {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
