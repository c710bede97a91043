package catalog

import (
	"context"
	"fmt"
	"strings"

	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent"
	"storefront/ent/contentimage"
	"storefront/ent/shoppolicy"
	"storefront/ent/urlredirect"
	"storefront/internal/paging"
)

// PolicyHandles are the handles of the shop's policies by kind, as Shopify names them.
var PolicyHandles = map[shoppolicy.Kind]string{
	shoppolicy.KindPRIVACY:          "privacy-policy",
	shoppolicy.KindREFUND:           "refund-policy",
	shoppolicy.KindSHIPPING:         "shipping-policy",
	shoppolicy.KindTERMS_OF_SERVICE: "terms-of-service",
	shoppolicy.KindSUBSCRIPTION:     "subscription-policy",
}

// Policies returns the shop's policies by kind (kinds not configured are absent).
func (s *Service) Policies(ctx context.Context) (map[shoppolicy.Kind]*ent.ShopPolicy, error) {
	ps, err := s.db.ShopPolicy.Query().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load shop policies: %w", err)
	}
	out := make(map[shoppolicy.Kind]*ent.ShopPolicy, len(ps))
	for _, p := range ps {
		out[p.Kind] = p
	}
	return out, nil
}

// ContentImagesByID returns content images (brand logos, article images) by ID.
func (s *Service) ContentImagesByID(ctx context.Context, ids []int) (map[int]*ent.ContentImage, error) {
	is, err := s.db.ContentImage.Query().Where(contentimage.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load content images: %w", err)
	}
	out := make(map[int]*ent.ContentImage, len(is))
	for _, i := range is {
		out[i.ID] = i
	}
	return out, nil
}

// URLRedirects lists the shop's URL redirects by ID. query takes `path:` and `target:`
// terms, each matching exactly (as Hydrogen looks up `path:/old/path`); other words are
// refused.
func (s *Service) URLRedirects(ctx context.Context, query string, args Args) (paging.Page[*ent.UrlRedirect], error) {
	var where []func(*entsql.Selector)
	for _, term := range strings.Fields(query) {
		name, value, ok := strings.Cut(term, ":")
		value = strings.Trim(value, `"'`)
		var col string
		switch {
		case ok && strings.EqualFold(name, "path"):
			col = urlredirect.FieldPath
		case ok && strings.EqualFold(name, "target"):
			col = urlredirect.FieldTarget
		default:
			return paging.Page[*ent.UrlRedirect]{}, &InputError{Argument: "query", Message: "urlRedirects takes path: and target: terms"}
		}
		where = append(where, func(sel *entsql.Selector) { sel.Where(entsql.EQ(sel.C(col), value)) })
	}
	l := paging.Listing{Key: "REDIRECT", Table: urlredirect.Table, Where: where}
	w, err := args.Window(l.Key, nil)
	if err != nil {
		return paging.Page[*ent.UrlRedirect]{}, err
	}
	pages, err := paging.List(ctx, s.db, l, w)
	if err != nil {
		return paging.Page[*ent.UrlRedirect]{}, err
	}
	rp := pages[0]
	ids := make([]int, len(rp.Refs))
	for i, r := range rp.Refs {
		ids[i] = r.ID
	}
	rs, err := s.db.UrlRedirect.Query().Where(urlredirect.IDIn(ids...)).All(ctx)
	if err != nil {
		return paging.Page[*ent.UrlRedirect]{}, fmt.Errorf("load url redirects: %w", err)
	}
	return paging.Assemble(rp, rs, func(r *ent.UrlRedirect) int { return r.ID }), nil
}
