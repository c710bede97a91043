package graph

import (
	"strings"

	"storefront/ent"
	"storefront/graph/model"
	"storefront/internal/catalog"
	"storefront/internal/gid"
)

// contentMediaSuffix marks the MediaImage IDs of content images (brand logos, article
// images), which are rows of another table than product images: the same number names a
// different image, so the IDs must differ.
const contentMediaSuffix = "?source=content"

// contentMediaID is the global ID of a content image presented as a MediaImage.
func contentMediaID(id int) string { return gid.Format(mediaImageGIDType, id) + contentMediaSuffix }

// nodeRef is the object a global ID names, as node() and nodes() look it up.
func nodeRef(id string) (catalog.NodeRef, bool) {
	typ, n, ok := gid.Parse(id)
	if !ok {
		return catalog.NodeRef{}, false
	}
	if typ == mediaImageGIDType && strings.HasSuffix(id, contentMediaSuffix) {
		typ = catalog.ContentMediaImage
	}
	return catalog.NodeRef{Type: typ, ID: n}, true
}

// presentNode turns what the catalog loaded for a node into the API's object: images
// become MediaImages with the IDs they are shown with elsewhere.
func presentNode(n ent.Noder) ent.Noder {
	switch v := n.(type) {
	case *ent.ProductImage:
		return mediaImage(v)
	case *ent.ContentImage:
		i := contentImage(v)
		return &model.MediaImage{ID: contentMediaID(v.ID), Image: i, PreviewImage: i}
	}
	return n
}
