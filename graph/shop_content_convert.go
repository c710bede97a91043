package graph

import (
	"context"
	"strings"

	"storefront/ent"
	"storefront/ent/schema"
	"storefront/ent/shoppolicy"
	"storefront/graph/loader"
	"storefront/graph/model"
	"storefront/internal/cart"
	"storefront/internal/catalog"
)

// Global ID types of the shop's content.
const (
	policyGIDType      = "ShopPolicy"
	urlRedirectGIDType = "UrlRedirect"
	mediaImageGIDType  = "MediaImage"
	blogGIDType        = "Blog"
	articleGIDType     = "Article"
	metafieldGIDType   = "Metafield"
)

// policy returns the shop's policy of the given kind, nil when it has none.
func policy(ctx context.Context, kind shoppolicy.Kind) (*ent.ShopPolicy, error) {
	ps, err := loader.For(ctx).Policies()
	if err != nil {
		return nil, err
	}
	return ps[kind], nil
}

// policyURL is where the storefront shows a policy: the shop's address plus
// /policies/<handle>, the path Shopify's storefronts use.
func (r *Resolver) policyURL(ctx context.Context, p *ent.ShopPolicy) (string, error) {
	sh, err := loader.For(ctx).Shop()
	if err != nil {
		return "", err
	}
	u, err := r.shopURL(sh)
	if err != nil {
		return "", err
	}
	return u.JoinPath("policies", catalog.PolicyHandles[p.Kind]).String(), nil
}

// brand assembles the shop's brand; nil when nothing of it is configured.
func (r *Resolver) brand(ctx context.Context, sh *ent.Shop) (*model.Brand, error) {
	if sh.BrandLogoID == nil && sh.BrandSquareLogoID == nil && sh.BrandCoverImageID == nil && sh.BrandSlogan == nil &&
		sh.BrandShortDescription == nil && len(sh.BrandColors.Primary) == 0 && len(sh.BrandColors.Secondary) == 0 {
		return nil, nil
	}
	b := &model.Brand{Slogan: sh.BrandSlogan, ShortDescription: sh.BrandShortDescription,
		Colors: &model.BrandColors{Primary: colorGroups(sh.BrandColors.Primary), Secondary: colorGroups(sh.BrandColors.Secondary)}}
	var err error
	if b.Logo, err = contentMedia(ctx, sh.BrandLogoID); err != nil {
		return nil, err
	}
	if b.SquareLogo, err = contentMedia(ctx, sh.BrandSquareLogoID); err != nil {
		return nil, err
	}
	if b.CoverImage, err = contentMedia(ctx, sh.BrandCoverImageID); err != nil {
		return nil, err
	}
	return b, nil
}

// contentMedia loads a content image as media; nil for no ID or a vanished image.
func contentMedia(ctx context.Context, id *int) (*model.MediaImage, error) {
	if id == nil {
		return nil, nil
	}
	img, err := loader.For(ctx).ContentImage.Load(ctx, *id)
	if err != nil {
		return nil, nilIfNotFound(err)
	}
	i := contentImage(img)
	return &model.MediaImage{ID: contentMediaID(img.ID), Image: i, PreviewImage: i}, nil
}

func contentImage(img *ent.ContentImage) *model.Image {
	return &model.Image{URL: img.URL, AltText: img.AltText, Width: img.Width, Height: img.Height}
}

func colorGroups(gs []schema.BrandColorGroup) []*model.BrandColorGroup {
	out := make([]*model.BrandColorGroup, len(gs))
	for i, g := range gs {
		out[i] = &model.BrandColorGroup{Background: strOrNil(g.Background), Foreground: strOrNil(g.Foreground)}
	}
	return out
}

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// truncate cuts s after at most n characters (runes) when n is given.
func truncate(s string, n *int) string {
	s = strings.Join(strings.Fields(s), " ")
	if n == nil || *n < 0 {
		return s
	}
	r := []rune(s)
	if len(r) <= *n {
		return s
	}
	return string(r[:*n])
}

// findMetafield picks the metafield named by key ("namespace.key", or key in namespace,
// default custom), nil when absent.
func findMetafield(ms []*ent.CartMetafield, key string, namespace *string) *ent.CartMetafield {
	ns, k := cart.SplitMetafieldKey(key)
	if namespace != nil && *namespace != "" {
		ns, k = *namespace, key
	}
	for _, m := range ms {
		if m.Namespace == ns && m.Key == k {
			return m
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
