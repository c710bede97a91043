package admin

import (
	"storefront/graph/admin/model"
	"storefront/internal/catalog"
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
