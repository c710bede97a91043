package catalog

import (
	"context"
	"fmt"
	"slices"
	"time"

	"storefront/ent"
	"storefront/ent/collection"
	"storefront/ent/collectionproduct"
	"storefront/ent/product"
	"storefront/internal/gid"
	"storefront/internal/outbox"
	"storefront/internal/searchindex"
	"storefront/internal/usererror"
)

// CollectionInput is a collection as collectionCreate and collectionUpdate take it; nil
// fields are left as they are (defaults for a new collection).
type CollectionInput struct {
	Handle, Title, DescriptionHTML *string
	ImageURL, ImageAltText         *string
	SEOTitle, SEODescription       *string
	SortOrder                      *string
	Published                      *bool
}

// ProductMove puts a product of a collection at a new position of its manual order.
type ProductMove struct {
	ProductID   string
	NewPosition int
}

// CreateCollection creates a collection (a handle derived from the title when not given).
// User error codes: BLANK, INVALID, TOO_LONG, TAKEN (handle).
func (s *Service) CreateCollection(ctx context.Context, in CollectionInput) (*ent.Collection, []usererror.Error, error) {
	if in.Handle == nil && in.Title != nil {
		h := Handleize(*in.Title)
		in.Handle = &h
	}
	var id int
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		c, changes, uerrs, err := s.writeCollection(ctx, tx, nil, in)
		if c != nil {
			id = c.ID
			if err == nil && len(uerrs) == 0 {
				err = outbox.Emit(ctx, tx, outbox.CollectionsCreate, gid.Format(gid.Collection, id), nil)
			}
		}
		return gid.Format(gid.Collection, id), changes, uerrs, err
	})
	return s.readCollection(ctx, id, uerrs, err)
}

// UpdateCollection changes a collection. User error codes: those of CreateCollection and
// NOT_FOUND (id).
func (s *Service) UpdateCollection(ctx context.Context, id string, in CollectionInput) (*ent.Collection, []usererror.Error, error) {
	n, uerrs := parseID(id, gid.Collection, "id")
	if uerrs != nil {
		return nil, uerrs, nil
	}
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		c, err := tx.Collection.Get(ctx, n)
		if ent.IsNotFound(err) {
			return "", nil, noSuch(gid.Collection, "id"), nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("load collection %d: %w", n, err)
		}
		_, changes, uerrs, err := s.writeCollection(ctx, tx, c, in)
		if err == nil && len(uerrs) == 0 && len(changes) > 0 {
			err = outbox.Emit(ctx, tx, outbox.CollectionsUpdate, gid.Format(gid.Collection, n), nil)
		}
		return id, changes, uerrs, err
	})
	return s.readCollection(ctx, n, uerrs, err)
}

func (s *Service) readCollection(ctx context.Context, id int, uerrs []usererror.Error, err error) (*ent.Collection, []usererror.Error, error) {
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	c, err := s.db.Collection.Get(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("read collection %d back: %w", id, err)
	}
	return c, nil, nil
}

func (s *Service) writeCollection(ctx context.Context, tx *ent.Tx, c *ent.Collection, in CollectionInput) (*ent.Collection, map[string]any, []usererror.Error, error) {
	var e fieldErrors
	e.handle(in.Handle)
	e.text(in.Title, "title", c == nil || in.Title != nil, 255)
	e.text(in.ImageAltText, "imageAltText", false, 512)
	e.absoluteURL(in.ImageURL, "imageUrl")
	if in.SortOrder != nil && collection.SortOrderValidator(collection.SortOrder(*in.SortOrder)) != nil {
		e.add(usererror.Invalid, "The sort order must be MANUAL, BEST_SELLING, TITLE, PRICE or CREATED.", "sortOrder")
	}
	if in.Handle != nil && (c == nil || c.Handle != *in.Handle) {
		taken, err := tx.Collection.Query().Where(collection.Handle(*in.Handle)).Exist(ctx)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("check handle: %w", err)
		}
		if taken {
			e.add(usererror.Taken, "A collection with this handle already exists.", "handle")
		}
	}
	if len(e) > 0 {
		return nil, nil, e, nil
	}
	changes := map[string]any{}
	now := time.Now().UTC()
	if c == nil {
		cr := tx.Collection.Create().SetHandle(*in.Handle).SetTitle(*in.Title)
		if in.Published != nil && *in.Published {
			cr.SetPublished(true).SetPublishedAt(now)
		}
		var err error
		if c, err = cr.Save(ctx); err != nil {
			return nil, nil, nil, fmt.Errorf("create collection: %w", err)
		}
		changes["created"] = true
		changes["handle"], changes["title"], changes["published"] = c.Handle, c.Title, c.Published
	}
	u := tx.Collection.UpdateOne(c)
	n := len(changes)
	change(changes, "handle", strDiffers(in.Handle, c.Handle), in.Handle, func() { u.SetHandle(*in.Handle) })
	change(changes, "title", strDiffers(in.Title, c.Title), in.Title, func() { u.SetTitle(*in.Title) })
	change(changes, "descriptionHtml", strDiffers(in.DescriptionHTML, c.DescriptionHTML), in.DescriptionHTML, func() {
		u.SetDescriptionHTML(*in.DescriptionHTML).SetDescription(searchindex.StripHTML(*in.DescriptionHTML))
	})
	change(changes, "imageUrl", optDiffers(in.ImageURL, c.ImageURL), in.ImageURL, func() { u.SetImageURL(*in.ImageURL) })
	change(changes, "imageAltText", optDiffers(in.ImageAltText, c.ImageAltText), in.ImageAltText, func() { u.SetImageAltText(*in.ImageAltText) })
	change(changes, "seoTitle", optDiffers(in.SEOTitle, c.SeoTitle), in.SEOTitle, func() { u.SetSeoTitle(*in.SEOTitle) })
	change(changes, "seoDescription", optDiffers(in.SEODescription, c.SeoDescription), in.SEODescription, func() { u.SetSeoDescription(*in.SEODescription) })
	change(changes, "sortOrder", in.SortOrder != nil && string(c.SortOrder) != *in.SortOrder, in.SortOrder, func() {
		u.SetSortOrder(collection.SortOrder(*in.SortOrder))
	})
	change(changes, "published", in.Published != nil && *in.Published != c.Published, in.Published, func() {
		u.SetPublished(*in.Published)
		if *in.Published && c.PublishedAt == nil {
			u.SetPublishedAt(now)
		}
	})
	if len(changes) > n {
		if err := u.Exec(ctx); err != nil {
			return nil, nil, nil, fmt.Errorf("update collection %d: %w", c.ID, err)
		}
	}
	return c, changes, nil, nil
}

// DeleteCollection deletes a collection and its memberships (the products stay). User error
// codes: NOT_FOUND (id).
func (s *Service) DeleteCollection(ctx context.Context, id string) (string, []usererror.Error, error) {
	n, uerrs := parseID(id, gid.Collection, "id")
	if uerrs != nil {
		return "", uerrs, nil
	}
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		c, err := tx.Collection.Get(ctx, n)
		if ent.IsNotFound(err) {
			return "", nil, noSuch(gid.Collection, "id"), nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("load collection %d: %w", n, err)
		}
		if _, err := tx.CollectionProduct.Delete().Where(collectionproduct.CollectionID(n)).Exec(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("delete memberships of collection %d: %w", n, err)
		}
		if err := tx.Collection.DeleteOneID(n).Exec(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("delete collection %d: %w", n, err)
		}
		if err := outbox.Emit(ctx, tx, outbox.CollectionsDelete, gid.Format(gid.Collection, n), map[string]any{"id": n}); err != nil {
			return "", nil, nil, err
		}
		return id, map[string]any{"deleted": true, "handle": c.Handle}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return "", uerrs, err
	}
	return gid.Format(gid.Collection, n), nil, nil
}

// membership loads a collection's products in manual order.
func membership(ctx context.Context, tx *ent.Tx, collectionID int) ([]int, error) {
	ids, err := tx.CollectionProduct.Query().Where(collectionproduct.CollectionID(collectionID)).
		Order(ent.Asc(collectionproduct.FieldPosition), ent.Asc(collectionproduct.FieldProductID)).
		Select(collectionproduct.FieldProductID).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("load products of collection %d: %w", collectionID, err)
	}
	return ids, nil
}

// setMembership makes a collection's manual order exactly ids.
func setMembership(ctx context.Context, tx *ent.Tx, collectionID int, before, ids []int) error {
	if slices.Equal(before, ids) {
		return nil
	}
	if _, err := tx.CollectionProduct.Delete().Where(collectionproduct.CollectionID(collectionID)).Exec(ctx); err != nil {
		return fmt.Errorf("clear collection %d: %w", collectionID, err)
	}
	creates := make([]*ent.CollectionProductCreate, len(ids))
	for i, p := range ids {
		creates[i] = tx.CollectionProduct.Create().SetCollectionID(collectionID).SetProductID(p).SetPosition(i)
	}
	for start := 0; start < len(creates); start += 500 {
		if err := tx.CollectionProduct.CreateBulk(creates[start:min(start+500, len(creates))]...).Exec(ctx); err != nil {
			return fmt.Errorf("write collection %d: %w", collectionID, err)
		}
	}
	return nil
}

// membershipWrite loads a collection and its order, lets f compute the new order, and
// writes it.
func (s *Service) membershipWrite(ctx context.Context, id string, op string, f func(tx *ent.Tx, before []int) ([]int, []usererror.Error, error)) (*ent.Collection, []usererror.Error, error) {
	n, uerrs := parseID(id, gid.Collection, "id")
	if uerrs != nil {
		return nil, uerrs, nil
	}
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		if ok, err := tx.Collection.Query().Where(collection.ID(n)).Exist(ctx); err != nil || !ok {
			return "", nil, noSuch(gid.Collection, "id"), err
		}
		before, err := membership(ctx, tx, n)
		if err != nil {
			return "", nil, nil, err
		}
		after, uerrs, err := f(tx, before)
		if err != nil || len(uerrs) > 0 {
			return "", nil, uerrs, err
		}
		if err := setMembership(ctx, tx, n, before, after); err != nil {
			return "", nil, nil, err
		}
		if slices.Equal(before, after) {
			return id, nil, nil, nil
		}
		if err := outbox.Emit(ctx, tx, outbox.CollectionsUpdate, gid.Format(gid.Collection, n), nil); err != nil {
			return "", nil, nil, err
		}
		products := make([]string, len(after))
		for i, p := range after {
			products[i] = gid.Format(gid.Product, p)
		}
		return id, map[string]any{op: true, "products": products}, nil, nil
	})
	return s.readCollection(ctx, n, uerrs, err)
}

// productIDs reads global product IDs, which must name products. User error code NOT_FOUND.
func productIDs(ctx context.Context, tx *ent.Tx, ids []string) ([]int, []usererror.Error, error) {
	var out []int
	var uerrs []usererror.Error
	for i, id := range ids {
		n, ok := gid.ParseAs(id, gid.Product)
		if !ok {
			uerrs = append(uerrs, usererror.New(usererror.NotFound, "No such product.", "productIds", i))
			continue
		}
		out = append(out, n)
	}
	if len(out) > 0 {
		found, err := tx.Product.Query().Where(product.IDIn(out...)).IDs(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("find products: %w", err)
		}
		for i, id := range ids {
			if n, ok := gid.ParseAs(id, gid.Product); ok && !slices.Contains(found, n) {
				uerrs = append(uerrs, usererror.New(usererror.NotFound, "No such product.", "productIds", i))
			}
		}
	}
	return out, uerrs, nil
}

// AddCollectionProducts appends products to a collection's manual order (those already in
// it stay where they are). User error codes: NOT_FOUND (id, productIds).
func (s *Service) AddCollectionProducts(ctx context.Context, id string, products []string) (*ent.Collection, []usererror.Error, error) {
	return s.membershipWrite(ctx, id, "added", func(tx *ent.Tx, before []int) ([]int, []usererror.Error, error) {
		add, uerrs, err := productIDs(ctx, tx, products)
		if err != nil || len(uerrs) > 0 {
			return nil, uerrs, err
		}
		after := slices.Clone(before)
		for _, p := range add {
			if !slices.Contains(after, p) {
				after = append(after, p)
			}
		}
		return after, nil, nil
	})
}

// RemoveCollectionProducts takes products out of a collection. User error codes: NOT_FOUND
// (id, productIds).
func (s *Service) RemoveCollectionProducts(ctx context.Context, id string, products []string) (*ent.Collection, []usererror.Error, error) {
	return s.membershipWrite(ctx, id, "removed", func(tx *ent.Tx, before []int) ([]int, []usererror.Error, error) {
		remove, uerrs, err := productIDs(ctx, tx, products)
		if err != nil || len(uerrs) > 0 {
			return nil, uerrs, err
		}
		return slices.DeleteFunc(slices.Clone(before), func(p int) bool { return slices.Contains(remove, p) }), nil, nil
	})
}

// ReorderCollectionProducts moves products within a collection's manual order, one move
// after the other (positions from 0; past the end means last). User error codes: NOT_FOUND
// (id, a product not in the collection), INVALID (a negative position).
func (s *Service) ReorderCollectionProducts(ctx context.Context, id string, moves []ProductMove) (*ent.Collection, []usererror.Error, error) {
	return s.membershipWrite(ctx, id, "reordered", func(tx *ent.Tx, before []int) ([]int, []usererror.Error, error) {
		after := slices.Clone(before)
		var uerrs []usererror.Error
		for i, m := range moves {
			n, ok := gid.ParseAs(m.ProductID, gid.Product)
			at := slices.Index(after, n)
			switch {
			case !ok || at < 0:
				uerrs = append(uerrs, usererror.New(usererror.NotFound, "The product is not in this collection.", "moves", i, "id"))
				continue
			case m.NewPosition < 0:
				uerrs = append(uerrs, usererror.New(usererror.Invalid, "A position can't be negative.", "moves", i, "newPosition"))
				continue
			}
			after = slices.Delete(after, at, at+1)
			after = slices.Insert(after, min(m.NewPosition, len(after)), n)
		}
		return after, uerrs, nil
	})
}
