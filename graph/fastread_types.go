package graph

import (
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"storefront/ent"
	"storefront/graph/model"
	"storefront/internal/market"
	"storefront/internal/money"
)

// fastFields are the fields fastRead serves: type → field → the type of its object value
// ("" for a scalar, enum or list of them). A type named "T@nested" is T where it is not
// the root's object: there Collection.products is not served (each collection's products
// would be one statement of their own, where gqlgen's concurrent resolvers batch them).
var fastFields = map[string]map[string]string{
	"QueryRoot": {
		"products": "ProductConnection", "product": "Product", "productByHandle": "Product",
		"collection": "Collection", "collectionByHandle": "Collection", "collections": "CollectionConnection",
	},
	"ProductConnection": {"edges": "ProductEdge", "nodes": "Product", "pageInfo": "PageInfo"},
	"ProductEdge":       {"cursor": "", "node": "Product"},
	"PageInfo":          {"hasNextPage": "", "hasPreviousPage": "", "startCursor": "", "endCursor": ""},
	"Product": {
		"id": "", "handle": "", "title": "", "description": "", "descriptionHtml": "", "vendor": "",
		"productType": "", "tags": "", "createdAt": "", "updatedAt": "", "publishedAt": "",
		"isGiftCard": "", "availableForSale": "", "totalInventory": "", "onlineStoreUrl": "",
		"encodedVariantAvailability": "", "encodedVariantExistence": "",
		"priceRange": "ProductPriceRange", "compareAtPriceRange": "ProductPriceRange", "seo": "SEO",
		"featuredImage": "Image", "images": "ImageConnection", "variants": "ProductVariantConnection",
		"options": "ProductOption", "collections": "CollectionConnection@nested",
	},
	"ProductVariantConnection": {"edges": "ProductVariantEdge", "nodes": "ProductVariant", "pageInfo": "PageInfo"},
	"ProductVariantEdge":       {"node": "ProductVariant"},
	"ProductVariant": {
		"id": "", "title": "", "sku": "", "barcode": "", "availableForSale": "", "quantityAvailable": "",
		"currentlyNotInStock": "", "requiresShipping": "", "weight": "", "weightUnit": "",
		"selectedOptions": "SelectedOption", "price": "MoneyV2", "priceV2": "MoneyV2",
		"compareAtPrice": "MoneyV2", "compareAtPriceV2": "MoneyV2", "unitPrice": "MoneyV2",
		"image": "Image", "product": "Product",
	},
	"SelectedOption":    {"name": "", "value": ""},
	"MoneyV2":           {"amount": "", "currencyCode": ""},
	"ProductPriceRange": {"minVariantPrice": "MoneyV2", "maxVariantPrice": "MoneyV2"},
	"SEO":               {"title": "", "description": ""},
	"Image":             {"id": "", "url": "", "originalSrc": "", "altText": "", "width": "", "height": ""},
	"ImageConnection":   {"edges": "ImageEdge", "nodes": "Image", "pageInfo": "PageInfo"},
	"ImageEdge":         {"cursor": "", "node": "Image"},
	"ProductOption":     {"id": "", "name": "", "values": "", "optionValues": "ProductOptionValue"},
	"ProductOptionValue": {
		"id": "", "name": "", "firstSelectableVariant": "ProductVariant",
	},
	"CollectionConnection": {"edges": "CollectionEdge", "nodes": "Collection", "pageInfo": "PageInfo"},
	"CollectionEdge":       {"cursor": "", "node": "Collection"},
	"Collection": {
		"id": "", "handle": "", "title": "", "description": "", "descriptionHtml": "", "updatedAt": "",
		"onlineStoreUrl": "", "seo": "SEO", "image": "Image", "products": "ProductConnection",
	},
	"CollectionConnection@nested": {"edges": "CollectionEdge@nested", "nodes": "Collection@nested", "pageInfo": "PageInfo"},
	"CollectionEdge@nested":       {"cursor": "", "node": "Collection@nested"},
	"Collection@nested": {
		"id": "", "handle": "", "title": "", "description": "", "descriptionHtml": "", "updatedAt": "",
		"onlineStoreUrl": "", "seo": "SEO", "image": "Image",
	},
}

// schemaType is the schema's name of a fastFields type.
func schemaType(t string) string {
	if i := strings.IndexByte(t, '@'); i >= 0 {
		return t[:i]
	}
	return t
}

func (x *fastExec) root(fields []graphql.CollectedField) error {
	q := x.r.QueryRoot()
	for i, f := range fields {
		x.open(i, f.Alias)
		if f.Name == "__typename" {
			x.str("QueryRoot")
			continue
		}
		args := f.ArgumentMap(x.oc.Variables)
		ctx := x.fieldCtx("QueryRoot", f, args)
		switch f.Name {
		case "products":
			a, err := readConnArgs(args)
			if err != nil {
				return err
			}
			query, err := argString(args, "query")
			if err != nil {
				return err
			}
			sortKey, err := argEnum[model.ProductSortKeys](args, "sortKey")
			if err != nil {
				return err
			}
			c, err := q.Products(ctx, a.after, a.before, a.first, a.last, query, a.reverse, sortKey)
			if err != nil || c == nil {
				return errFallback
			}
			if err := x.productConnection(c, f); err != nil {
				return err
			}
		case "product", "productByHandle":
			handle, err := argString(args, "handle")
			if err != nil {
				return err
			}
			var p *ent.Product
			if f.Name == "product" {
				id, err := argString(args, "id")
				if err != nil {
					return err
				}
				p, err = q.Product(ctx, handle, id)
				if err != nil {
					return errFallback
				}
			} else {
				if handle == nil {
					return errFallback
				}
				if p, err = q.ProductByHandle(ctx, *handle); err != nil {
					return errFallback
				}
			}
			if p == nil {
				x.null()
				continue
			}
			// One product: what its fields need is read now, all at once, rather than
			// by each field's loader in turn.
			if err := prefetchProducts(x.ctx, []*ent.Product{p}, productFields(x.oc, f.Selections)); err != nil {
				return errFallback
			}
			if err := x.product(p, x.collect(f.Selections, "Product")); err != nil {
				return err
			}
		case "collection", "collectionByHandle":
			handle, err := argString(args, "handle")
			if err != nil {
				return err
			}
			var c *ent.Collection
			if f.Name == "collection" {
				id, err := argString(args, "id")
				if err != nil {
					return err
				}
				c, err = q.Collection(ctx, handle, id)
				if err != nil {
					return errFallback
				}
			} else {
				if handle == nil {
					return errFallback
				}
				if c, err = q.CollectionByHandle(ctx, *handle); err != nil {
					return errFallback
				}
			}
			if c == nil {
				x.null()
				continue
			}
			w, err := x.collectionWriter([]*ent.Collection{c}, f.Selections, true)
			if err != nil {
				return err
			}
			if err := w(0, x.collect(f.Selections, "Collection")); err != nil {
				return err
			}
		case "collections":
			a, err := readConnArgs(args)
			if err != nil {
				return err
			}
			query, err := argString(args, "query")
			if err != nil {
				return err
			}
			sortKey, err := argEnum[model.CollectionSortKeys](args, "sortKey")
			if err != nil {
				return err
			}
			c, err := q.Collections(ctx, a.after, a.before, a.first, a.last, query, a.reverse, sortKey)
			if err != nil || c == nil {
				return errFallback
			}
			if err := x.collectionConnection(c, f, true); err != nil {
				return err
			}
		default:
			return errFallback
		}
	}
	x.close(len(fields))
	return nil
}

func (x *fastExec) pageInfo(p *model.PageInfo, f graphql.CollectedField) error {
	if p == nil {
		return errFallback
	}
	fields := x.collect(f.Selections, "PageInfo")
	for i, f := range fields {
		x.open(i, f.Alias)
		switch f.Name {
		case "__typename":
			x.str("PageInfo")
		case "hasNextPage":
			x.boolean(p.HasNextPage)
		case "hasPreviousPage":
			x.boolean(p.HasPreviousPage)
		case "startCursor":
			x.optStr(p.StartCursor)
		case "endCursor":
			x.optStr(p.EndCursor)
		default:
			return errFallback
		}
	}
	x.close(len(fields))
	return nil
}

func (x *fastExec) productConnection(c *model.ProductConnection, f graphql.CollectedField) error {
	return writeConnection(x, f, connection[model.ProductEdge, ent.Product]{
		typ: "ProductConnection", edgeTyp: "ProductEdge", nodeTyp: "Product",
		edges: c.Edges, nodes: c.Nodes, info: c.PageInfo,
		cursor: func(e *model.ProductEdge) string { return e.Cursor },
		node:   func(e *model.ProductEdge) *ent.Product { return e.Node },
		writer: eachNode(x.product),
	})
}

func (x *fastExec) product(p *ent.Product, fields []graphql.CollectedField) error {
	pr := x.r.Product()
	ctx := x.ctx
	for i, f := range fields {
		x.open(i, f.Alias)
		var err error
		switch f.Name {
		case "__typename":
			x.str("Product")
		case "id":
			x.id(p.GlobalID())
		case "handle":
			x.str(p.Handle)
		case "vendor":
			x.str(p.Vendor)
		case "productType":
			x.str(p.ProductType)
		case "tags":
			if p.Tags == nil {
				return errFallback
			}
			x.strings(p.Tags)
		case "createdAt":
			x.dateTime(p.CreatedAt)
		case "updatedAt":
			x.dateTime(p.UpdatedAt)
		case "isGiftCard":
			x.boolean(p.IsGiftCard)
		case "title":
			err = x.resolvedStr(pr.Title(ctx, p))
		case "description":
			err = x.resolvedStr(pr.Description(ctx, p))
		case "descriptionHtml":
			err = x.resolvedStr(pr.DescriptionHTML(ctx, p))
		case "publishedAt":
			t, e := pr.PublishedAt(ctx, p)
			if e != nil || t == nil {
				return errFallback
			}
			x.dateTime(*t)
		case "availableForSale":
			b, e := pr.AvailableForSale(ctx, p)
			if e != nil {
				return errFallback
			}
			x.boolean(b)
		case "totalInventory":
			n, e := pr.TotalInventory(ctx, p)
			if e != nil {
				return errFallback
			}
			x.optInt(n)
		case "onlineStoreUrl":
			err = x.resolvedOptStr(pr.OnlineStoreURL(ctx, p))
		case "encodedVariantAvailability":
			err = x.resolvedOptStr(pr.EncodedVariantAvailability(ctx, p))
		case "encodedVariantExistence":
			err = x.resolvedOptStr(pr.EncodedVariantExistence(ctx, p))
		case "priceRange":
			r, e := pr.PriceRange(ctx, p)
			if e != nil {
				return errFallback
			}
			err = x.priceRange(r, f)
		case "compareAtPriceRange":
			r, e := pr.CompareAtPriceRange(ctx, p)
			if e != nil {
				return errFallback
			}
			err = x.priceRange(r, f)
		case "seo":
			s, e := pr.Seo(ctx, p)
			if e != nil {
				return errFallback
			}
			err = x.seo(s, f)
		case "featuredImage":
			img, e := pr.FeaturedImage(ctx, p)
			if e != nil {
				return errFallback
			}
			err = x.optImage(img, f)
		case "images":
			a, e := readConnArgs(f.ArgumentMap(x.oc.Variables))
			if e != nil {
				return e
			}
			c, e := pr.Images(ctx, p, a.after, a.before, a.first, a.last, a.reverse)
			if e != nil || c == nil {
				return errFallback
			}
			err = x.imageConnection(c, f)
		case "variants":
			a, e := readConnArgs(f.ArgumentMap(x.oc.Variables))
			if e != nil {
				return e
			}
			c, e := pr.Variants(ctx, p, a.after, a.before, a.first, a.last, a.reverse)
			if e != nil || c == nil {
				return errFallback
			}
			err = x.variantConnection(c, f)
		case "options":
			first, e := argInt(f.ArgumentMap(x.oc.Variables), "first")
			if e != nil {
				return e
			}
			os, e := pr.Options(ctx, p, first)
			if e != nil || os == nil {
				return errFallback
			}
			err = x.options(os, f)
		case "collections":
			a, e := readConnArgs(f.ArgumentMap(x.oc.Variables))
			if e != nil {
				return e
			}
			c, e := pr.Collections(ctx, p, a.after, a.before, a.first, a.last, a.reverse)
			if e != nil || c == nil {
				return errFallback
			}
			err = x.collectionConnection(c, f, false)
		default:
			return errFallback
		}
		if err != nil {
			return err
		}
	}
	x.close(len(fields))
	return nil
}

func (x *fastExec) resolvedStr(s string, err error) error {
	if err != nil {
		return errFallback
	}
	x.str(s)
	return nil
}

func (x *fastExec) resolvedOptStr(s *string, err error) error {
	if err != nil {
		return errFallback
	}
	x.optStr(s)
	return nil
}

func (x *fastExec) priceRange(r *model.ProductPriceRange, f graphql.CollectedField) error {
	if r == nil {
		return errFallback
	}
	fields := x.collect(f.Selections, "ProductPriceRange")
	for i, f := range fields {
		x.open(i, f.Alias)
		var err error
		switch f.Name {
		case "__typename":
			x.str("ProductPriceRange")
		case "minVariantPrice":
			err = x.money(r.MinVariantPrice, f, false)
		case "maxVariantPrice":
			err = x.money(r.MaxVariantPrice, f, false)
		default:
			return errFallback
		}
		if err != nil {
			return err
		}
	}
	x.close(len(fields))
	return nil
}

// money writes a MoneyV2; nullable says whether null is allowed.
func (x *fastExec) money(m *model.MoneyV2, f graphql.CollectedField, nullable bool) error {
	if m == nil {
		if !nullable {
			return errFallback
		}
		x.null()
		return nil
	}
	return x.moneyFields(f, m.Amount, 0, m.CurrencyCode)
}

// amount writes a MoneyV2 of amount in currency, as money does for moneyV2(amount,
// currency), without building it.
func (x *fastExec) amount(amount int64, currency string, f graphql.CollectedField) error {
	return x.moneyFields(f, "", amount, model.CurrencyCode(currency))
}

// moneyFields writes a MoneyV2's selected fields: its amount as text, or when text is ""
// as the currency's decimal form of amount.
func (x *fastExec) moneyFields(f graphql.CollectedField, text string, amount int64, currency model.CurrencyCode) error {
	fields := x.collect(f.Selections, "MoneyV2")
	for i, f := range fields {
		x.open(i, f.Alias)
		switch f.Name {
		case "__typename":
			x.str("MoneyV2")
		case "amount":
			if text != "" {
				x.str(text)
				continue
			}
			// Digits, a point and a sign: nothing to escape.
			x.w.WriteByte('"')
			x.w.Write(money.AppendFormat(x.scratch[:0], amount, string(currency)))
			x.w.WriteByte('"')
		case "currencyCode":
			x.enum(currency)
		default:
			return errFallback
		}
	}
	x.close(len(fields))
	return nil
}

// variantPricing is graph's variantPricing with the request's pricer found once: the fast
// executor runs under no cart, so the pricer is the same for every variant it writes.
func (x *fastExec) variantPricing(v *ent.ProductVariant) (market.Pricer, market.FixedPrices, error) {
	if !x.priced {
		x.pricer, x.pricerErr = pricer(x.ctx)
		x.priced = true
	}
	if x.pricerErr != nil {
		return x.pricer, nil, x.pricerErr
	}
	fixed, err := fixedPricesIn(x.ctx, x.pricer, v.ProductID)
	return x.pricer, fixed, err
}

func (x *fastExec) seo(s *model.Seo, f graphql.CollectedField) error {
	if s == nil {
		return errFallback
	}
	fields := x.collect(f.Selections, "SEO")
	for i, f := range fields {
		x.open(i, f.Alias)
		switch f.Name {
		case "__typename":
			x.str("SEO")
		case "title":
			x.optStr(s.Title)
		case "description":
			x.optStr(s.Description)
		default:
			return errFallback
		}
	}
	x.close(len(fields))
	return nil
}

func (x *fastExec) optImage(img *model.Image, f graphql.CollectedField) error {
	if img == nil {
		x.null()
		return nil
	}
	return x.image(img, x.collect(f.Selections, "Image"))
}

func (x *fastExec) image(img *model.Image, fields []graphql.CollectedField) error {
	for i, f := range fields {
		x.open(i, f.Alias)
		switch f.Name {
		case "__typename":
			x.str("Image")
		case "id":
			x.optID(img.ID)
		case "url":
			x.str(img.URL)
		case "originalSrc":
			s, err := x.r.Image().OriginalSrc(x.ctx, img)
			if err != nil {
				return errFallback
			}
			x.str(s)
		case "altText":
			x.optStr(img.AltText)
		case "width":
			x.optInt(img.Width)
		case "height":
			x.optInt(img.Height)
		default:
			return errFallback
		}
	}
	x.close(len(fields))
	return nil
}

func (x *fastExec) imageConnection(c *model.ImageConnection, f graphql.CollectedField) error {
	return writeConnection(x, f, connection[model.ImageEdge, model.Image]{
		typ: "ImageConnection", edgeTyp: "ImageEdge", nodeTyp: "Image",
		edges: c.Edges, nodes: c.Nodes, info: c.PageInfo,
		cursor: func(e *model.ImageEdge) string { return e.Cursor },
		node:   func(e *model.ImageEdge) *model.Image { return e.Node },
		writer: eachNode(x.image),
	})
}

func (x *fastExec) variantConnection(c *model.ProductVariantConnection, f graphql.CollectedField) error {
	return writeConnection(x, f, connection[model.ProductVariantEdge, ent.ProductVariant]{
		typ: "ProductVariantConnection", edgeTyp: "ProductVariantEdge", nodeTyp: "ProductVariant",
		edges: c.Edges, nodes: c.Nodes, info: c.PageInfo,
		node:   func(e *model.ProductVariantEdge) *ent.ProductVariant { return e.Node },
		writer: eachNode(x.variant),
	})
}

func (x *fastExec) variant(v *ent.ProductVariant, fields []graphql.CollectedField) error {
	vr := x.r.ProductVariant()
	ctx := x.ctx
	for i, f := range fields {
		x.open(i, f.Alias)
		var err error
		switch f.Name {
		case "__typename":
			x.str("ProductVariant")
		case "id":
			x.id(v.GlobalID())
		case "title":
			err = x.resolvedStr(vr.Title(ctx, v))
		case "sku":
			x.optStr(v.Sku)
		case "barcode":
			x.optStr(v.Barcode)
		case "quantityAvailable":
			x.integer(v.Available)
		case "requiresShipping":
			x.boolean(v.RequiresShipping)
		case "weight":
			if err = x.float(v.Weight); err != nil {
				return errFallback
			}
		case "availableForSale":
			b, e := vr.AvailableForSale(ctx, v)
			if e != nil {
				return errFallback
			}
			x.boolean(b)
		case "currentlyNotInStock":
			b, e := vr.CurrentlyNotInStock(ctx, v)
			if e != nil {
				return errFallback
			}
			x.boolean(b)
		case "weightUnit":
			u, e := vr.WeightUnit(ctx, v)
			if e != nil {
				return errFallback
			}
			x.enum(u)
		case "selectedOptions":
			opts, e := vr.SelectedOptions(ctx, v)
			if e != nil || opts == nil {
				return errFallback
			}
			sf := x.collect(f.Selections, "SelectedOption")
			err = x.list(len(opts), func(j int) error {
				o := opts[j]
				if o == nil {
					return errFallback
				}
				for k, f := range sf {
					x.open(k, f.Alias)
					switch f.Name {
					case "__typename":
						x.str("SelectedOption")
					case "name":
						x.str(o.Name)
					case "value":
						x.str(o.Value)
					default:
						return errFallback
					}
				}
				x.close(len(sf))
				return nil
			})
		case "price", "priceV2":
			p, fixed, e := x.variantPricing(v)
			if e != nil {
				return errFallback
			}
			err = x.amount(p.VariantPrice(v, fixed), p.Currency, f)
		case "compareAtPrice", "compareAtPriceV2":
			p, fixed, e := x.variantPricing(v)
			if e != nil {
				return errFallback
			}
			if c := p.VariantCompareAtPrice(v, fixed); c != nil {
				err = x.amount(*c, p.Currency, f)
			} else {
				x.null()
			}
		case "unitPrice":
			m, e := vr.UnitPrice(ctx, v)
			if e != nil {
				return errFallback
			}
			err = x.money(m, f, true)
		case "image":
			img, e := vr.Image(ctx, v)
			if e != nil {
				return errFallback
			}
			err = x.optImage(img, f)
		case "product":
			p, e := vr.Product(ctx, v)
			if e != nil || p == nil {
				return errFallback
			}
			err = x.product(p, x.collect(f.Selections, "Product"))
		default:
			return errFallback
		}
		if err != nil {
			return err
		}
	}
	x.close(len(fields))
	return nil
}

func (x *fastExec) options(os []*ent.ProductOption, f graphql.CollectedField) error {
	or := x.r.ProductOption()
	fields := x.collect(f.Selections, "ProductOption")
	return x.list(len(os), func(i int) error {
		o := os[i]
		if o == nil {
			return errFallback
		}
		for k, f := range fields {
			x.open(k, f.Alias)
			switch f.Name {
			case "__typename":
				x.str("ProductOption")
			case "id":
				x.id(o.GlobalID())
			case "name":
				name, err := or.Name(x.ctx, o)
				if err != nil {
					return errFallback
				}
				x.str(name)
			case "values":
				vs, err := or.Values(x.ctx, o)
				if err != nil || vs == nil {
					return errFallback
				}
				x.strings(vs)
			case "optionValues":
				vs, err := or.OptionValues(x.ctx, o)
				if err != nil || vs == nil {
					return errFallback
				}
				if err := x.optionValues(vs, f); err != nil {
					return err
				}
			default:
				return errFallback
			}
		}
		x.close(len(fields))
		return nil
	})
}

func (x *fastExec) optionValues(vs []*ent.ProductOptionValue, f graphql.CollectedField) error {
	vr := x.r.ProductOptionValue()
	fields := x.collect(f.Selections, "ProductOptionValue")
	return x.list(len(vs), func(i int) error {
		v := vs[i]
		if v == nil {
			return errFallback
		}
		for k, f := range fields {
			x.open(k, f.Alias)
			switch f.Name {
			case "__typename":
				x.str("ProductOptionValue")
			case "id":
				x.id(v.GlobalID())
			case "name":
				name, err := vr.Name(x.ctx, v)
				if err != nil {
					return errFallback
				}
				x.str(name)
			case "firstSelectableVariant":
				pv, err := vr.FirstSelectableVariant(x.ctx, v)
				if err != nil {
					return errFallback
				}
				if pv == nil {
					x.null()
				} else if err := x.variant(pv, x.collect(f.Selections, "ProductVariant")); err != nil {
					return err
				}
			default:
				return errFallback
			}
		}
		x.close(len(fields))
		return nil
	})
}

func (x *fastExec) collectionConnection(c *model.CollectionConnection, f graphql.CollectedField, top bool) error {
	return writeConnection(x, f, connection[model.CollectionEdge, ent.Collection]{
		typ: "CollectionConnection", edgeTyp: "CollectionEdge", nodeTyp: "Collection",
		edges: c.Edges, nodes: c.Nodes, info: c.PageInfo,
		cursor: func(e *model.CollectionEdge) string { return e.Cursor },
		node:   func(e *model.CollectionEdge) *ent.Collection { return e.Node },
		writer: func(cs []*ent.Collection, sel ast.SelectionSet) (func(int, []graphql.CollectedField) error, error) {
			return x.collectionWriter(cs, sel, top)
		},
	})
}

// collectionWriter returns a writer of the i-th of sibling collections whose products, if
// selected, are read for all of them at once (the batch resolver, as gqlgen calls it).
func (x *fastExec) collectionWriter(cs []*ent.Collection, sel ast.SelectionSet, top bool) (func(i int, fields []graphql.CollectedField) error, error) {
	cr := x.r.Collection()
	products := map[string][]*model.ProductConnection{}
	for _, f := range x.collect(sel, "Collection") {
		if f.Name != "products" {
			continue
		}
		if !top {
			return nil, errFallback
		}
		if _, done := products[f.Alias]; done || len(cs) == 0 {
			continue
		}
		args := f.ArgumentMap(x.oc.Variables)
		a, err := readConnArgs(args)
		if err != nil {
			return nil, err
		}
		if _, ok := args["filters"]; ok && args["filters"] != nil {
			return nil, errFallback
		}
		sortKey, err := argEnum[model.ProductCollectionSortKeys](args, "sortKey")
		if err != nil {
			return nil, err
		}
		conns, err := cr.Products(x.fieldCtx("Collection", f, args), cs, a.after, a.before, nil, a.first, a.last, a.reverse, sortKey)
		if err != nil || len(conns) != len(cs) {
			return nil, errFallback
		}
		products[f.Alias] = conns
	}
	return func(i int, fields []graphql.CollectedField) error {
		c := cs[i]
		if c == nil {
			return errFallback
		}
		ctx := x.ctx
		for k, f := range fields {
			x.open(k, f.Alias)
			var err error
			switch f.Name {
			case "__typename":
				x.str("Collection")
			case "id":
				x.id(c.GlobalID())
			case "handle":
				x.str(c.Handle)
			case "updatedAt":
				x.dateTime(c.UpdatedAt)
			case "title":
				err = x.resolvedStr(cr.Title(ctx, c))
			case "description":
				err = x.resolvedStr(cr.Description(ctx, c))
			case "descriptionHtml":
				err = x.resolvedStr(cr.DescriptionHTML(ctx, c))
			case "onlineStoreUrl":
				err = x.resolvedOptStr(cr.OnlineStoreURL(ctx, c))
			case "seo":
				s, e := cr.Seo(ctx, c)
				if e != nil {
					return errFallback
				}
				err = x.seo(s, f)
			case "image":
				img, e := cr.Image(ctx, c)
				if e != nil {
					return errFallback
				}
				err = x.optImage(img, f)
			case "products":
				conns, ok := products[f.Alias]
				if !ok || conns[i] == nil {
					return errFallback
				}
				err = x.productConnection(conns[i], f)
			default:
				return errFallback
			}
			if err != nil {
				return err
			}
		}
		x.close(len(fields))
		return nil
	}, nil
}

// connection is what writeConnection needs of a connection of T with edges of E.
type connection[E, T any] struct {
	typ, edgeTyp, nodeTyp string
	edges                 []*E
	nodes                 []*T
	info                  *model.PageInfo
	// cursor is nil for edges without one.
	cursor func(*E) string
	node   func(*E) *T
	// writer prepares the writing of sibling nodes (reading what they share at once) and
	// returns the writer of the i-th.
	writer func(nodes []*T, sel ast.SelectionSet) (func(i int, fields []graphql.CollectedField) error, error)
}

// eachNode is the writer of nodes that share nothing.
func eachNode[T any](write func(*T, []graphql.CollectedField) error) func([]*T, ast.SelectionSet) (func(int, []graphql.CollectedField) error, error) {
	return func(nodes []*T, _ ast.SelectionSet) (func(int, []graphql.CollectedField) error, error) {
		return func(i int, fields []graphql.CollectedField) error { return write(nodes[i], fields) }, nil
	}
}

// writeConnection writes a connection's edges, nodes and pageInfo as selected.
func writeConnection[E, T any](x *fastExec, f graphql.CollectedField, c connection[E, T]) error {
	fields := x.collect(f.Selections, c.typ)
	for i, f := range fields {
		x.open(i, f.Alias)
		var err error
		switch f.Name {
		case "__typename":
			x.str(c.typ)
		case "pageInfo":
			err = x.pageInfo(c.info, f)
		case "nodes":
			err = writeNodes(x, c.nodes, f.Selections, c.nodeTyp, c.writer)
		case "edges":
			err = writeEdges(x, f, c)
		default:
			return errFallback
		}
		if err != nil {
			return err
		}
	}
	x.close(len(fields))
	return nil
}

func writeNodes[T any](x *fastExec, nodes []*T, sel ast.SelectionSet, typ string, writer func([]*T, ast.SelectionSet) (func(int, []graphql.CollectedField) error, error)) error {
	for _, n := range nodes {
		if n == nil {
			return errFallback
		}
	}
	w, err := writer(nodes, sel)
	if err != nil {
		return err
	}
	fields := x.collect(sel, typ)
	return x.list(len(nodes), func(i int) error { return w(i, fields) })
}

func writeEdges[E, T any](x *fastExec, f graphql.CollectedField, c connection[E, T]) error {
	ef := x.collect(f.Selections, c.edgeTyp)
	nodes := make([]*T, len(c.edges))
	for j, e := range c.edges {
		if e == nil {
			return errFallback
		}
		if nodes[j] = c.node(e); nodes[j] == nil {
			return errFallback
		}
	}
	var nodeSel ast.SelectionSet
	for _, f := range ef {
		if f.Name == "node" {
			nodeSel = f.Selections
		}
	}
	w, err := c.writer(nodes, nodeSel)
	if err != nil {
		return err
	}
	return x.list(len(nodes), func(j int) error {
		for k, f := range ef {
			x.open(k, f.Alias)
			switch f.Name {
			case "__typename":
				x.str(c.edgeTyp)
			case "cursor":
				if c.cursor == nil {
					return errFallback
				}
				x.str(c.cursor(c.edges[j]))
			case "node":
				if err := w(j, x.collect(f.Selections, c.nodeTyp)); err != nil {
					return err
				}
			default:
				return errFallback
			}
		}
		x.close(len(ef))
		return nil
	})
}
