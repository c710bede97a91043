package demo

import (
	"storefront/ent/collection"
	"storefront/ent/menuitem"
)

type collectionSort = collection.SortOrder

func menuItemType(s string) menuitem.Type { return menuitem.Type(s) }
