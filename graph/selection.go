package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"storefront/ent"
	"storefront/ent/schema"
	"storefront/graph/loader"
	"storefront/graph/model"
	"storefront/internal/catalog"
	"storefront/internal/gid"
)

// optionsAndVariants loads a product's options (with values) and variants through the
// request's loaders.
func optionsAndVariants(ctx context.Context, productID int) ([]*ent.ProductOption, []*ent.ProductVariant, error) {
	l := loader.For(ctx)
	options, err := l.Options.Load(ctx, productID)
	if err != nil {
		return nil, nil, err
	}
	variants, err := l.Variants.Load(ctx, productID)
	if err != nil {
		return nil, nil, err
	}
	return options, variants, nil
}

// variantSelection turns selectedOptions arguments into a selection in the shop language's
// names: options and values may be named in the request's @inContext language too.
func variantSelection(ctx context.Context, productID int, options []*ent.ProductOption, in []*model.SelectedOptionInput, ignoreUnknown, caseInsensitive *bool) (catalog.VariantSelection, error) {
	s := catalog.VariantSelection{IgnoreUnknown: ignoreUnknown != nil && *ignoreUnknown, CaseInsensitive: caseInsensitive != nil && *caseInsensitive}
	for _, o := range in {
		s.Options = append(s.Options, schema.SelectedOption{Name: o.Name, Value: o.Value})
	}
	var err error
	s.Options, err = shopSelection(ctx, productID, options, s.Options, s.CaseInsensitive, s.CaseInsensitive)
	return s, err
}

// mediaImage presents a product image as media.
func mediaImage(img *ent.ProductImage) *model.MediaImage {
	i := productImage(img)
	return &model.MediaImage{ID: gid.Format(mediaImageGIDType, img.ID), Image: i, PreviewImage: i}
}

// trackingPaths are the field paths, from the root field to the result object, at which a
// result carries search tracking parameters; "#" is its position in the list.
var trackingPaths = map[string]string{
	"search/edges/#/node":            "r",
	"search/nodes/#":                 "r",
	"predictiveSearch/products/#":    "e",
	"predictiveSearch/collections/#": "e",
	"predictiveSearch/pages/#":       "e",
	"predictiveSearch/articles/#":    "e",
	"predictiveSearch/queries/#":     "e",
}

// trackingParameters returns the search analytics parameters of the object whose field is
// resolving, as Shopify adds them to results of search (`_pos`, `_sid`, `_ss=r`) and
// predictiveSearch (`_pos`, `_psq`, `_ss=e`, `_v`); nil for an object reached otherwise.
func trackingParameters(ctx context.Context) *string {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return nil
	}
	var names []string
	pos := -1
	var root *graphql.FieldContext
	for p := fc.Parent; p != nil; p = p.Parent {
		switch {
		case p.Index != nil:
			if pos < 0 {
				pos = *p.Index
			}
			names = append(names, "#")
		case p.Field.Field != nil:
			names = append(names, p.Field.Name)
			root = p
		}
	}
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	kind, ok := trackingPaths[strings.Join(names, "/")]
	if !ok || root == nil {
		return nil
	}
	return searchTracking(kind, pos, root.Args["query"])
}

// searchTracking formats tracking parameters for the result at position pos (from 0) of
// a search (kind "r") or predictive search (kind "e") for query.
func searchTracking(kind string, pos int, query any) *string {
	q, _ := query.(string)
	v := "_pos=" + strconv.Itoa(pos+1)
	if kind == "r" {
		sum := sha256.Sum256([]byte(q))
		v += "&_sid=" + hex.EncodeToString(sum[:])[:9] + "&_ss=r"
	} else {
		v += "&_psq=" + url.QueryEscape(q) + "&_ss=e&_v=1.0"
	}
	return &v
}
