package admin

import (
	"time"

	"storefront/graph/admin/model"
	"storefront/internal/catalog"
	"storefront/internal/discount"
)

func toCollectionInput(in model.CollectionInput) catalog.CollectionInput {
	out := catalog.CollectionInput{
		Handle: in.Handle, Title: in.Title, DescriptionHTML: in.DescriptionHTML, ImageURL: in.ImageURL,
		ImageAltText: in.ImageAltText, SEOTitle: in.SeoTitle, SEODescription: in.SeoDescription, Published: in.Published,
	}
	if in.SortOrder != nil {
		s := string(*in.SortOrder)
		out.SortOrder = &s
	}
	return out
}

func toPageInput(in model.PageInput) catalog.PageInput {
	return catalog.PageInput{Handle: in.Handle, Title: in.Title, Body: in.Body, SEOTitle: in.SeoTitle,
		SEODescription: in.SeoDescription, Published: in.Published}
}

func toMenuInput(in model.MenuInput) catalog.MenuInput {
	return catalog.MenuInput{Handle: in.Handle, Title: in.Title, Items: toMenuItems(in.Items), HasItems: in.Items != nil}
}

func toMenuItems(items []*model.MenuItemInput) []catalog.MenuItemInput {
	out := make([]catalog.MenuItemInput, len(items))
	for i, it := range items {
		out[i] = catalog.MenuItemInput{Title: it.Title, Type: string(it.Type), URL: it.URL, ResourceID: it.ResourceID,
			Tags: it.Tags, Items: toMenuItems(it.Items)}
	}
	return out
}

// nonEmpty is s, or nil when it is empty.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toDiscountInput(in model.DiscountCodeInput) discount.Input {
	out := discount.Input{
		Code: in.Code, Title: in.Title, Value: in.Value,
		ProductIDs: in.ProductIds, HasProducts: in.ProductIds != nil,
		CollectionIDs: in.CollectionIds, HasCollections: in.CollectionIds != nil,
		OncePerCustomer: in.OncePerCustomer, Enabled: in.Enabled,
	}
	if in.Kind != nil {
		k := string(*in.Kind)
		out.Kind = &k
	}
	if in.AppliesTo != nil {
		a := string(*in.AppliesTo)
		out.AppliesTo = &a
	}
	if v, ok := in.MinimumSubtotal.ValueOK(); ok {
		out.MinimumSubtotal = discount.Optional[string]{Set: true, Value: v}
	}
	if v, ok := in.StartsAt.ValueOK(); ok {
		out.StartsAt = discount.Optional[time.Time]{Set: true, Value: v}
	}
	if v, ok := in.EndsAt.ValueOK(); ok {
		out.EndsAt = discount.Optional[time.Time]{Set: true, Value: v}
	}
	if v, ok := in.UsageLimit.ValueOK(); ok {
		out.UsageLimit = discount.Optional[int]{Set: true, Value: v}
	}
	return out
}

func toBlogInput(in model.BlogInput) catalog.BlogInput {
	return catalog.BlogInput{Handle: in.Handle, Title: in.Title, SEOTitle: optional(in.SeoTitle), SEODescription: optional(in.SeoDescription)}
}

func toArticleInput(in model.ArticleInput) catalog.ArticleInput {
	out := catalog.ArticleInput{BlogID: in.BlogID, Handle: in.Handle, Title: in.Title, Body: in.Body,
		Summary: optional(in.Summary), Tags: in.Tags, HasTags: in.Tags != nil, SEOTitle: optional(in.SeoTitle),
		SEODescription: optional(in.SeoDescription), IsPublished: in.IsPublished, PublishDate: optional(in.PublishDate)}
	if in.Author != nil {
		out.AuthorName = &in.Author.Name
	}
	if v, set := in.Image.ValueOK(); set {
		out.Image.Set = true
		if v != nil {
			out.Image.Value = &catalog.ImageInput{URL: v.URL, AltText: v.AltText}
		}
	}
	return out
}

func toURLRedirectInput(in model.URLRedirectInput) catalog.URLRedirectInput {
	return catalog.URLRedirectInput{Path: in.Path, Target: in.Target}
}
