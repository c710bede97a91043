package catalog

import (
	"context"
	"fmt"
	"time"

	"storefront/ent"
	"storefront/ent/menu"
	"storefront/ent/menuitem"
	"storefront/ent/page"
	"storefront/internal/gid"
	"storefront/internal/usererror"
)

// PageInput is a page as pageCreate and pageUpdate take it; nil fields are left as they are.
type PageInput struct {
	Handle, Title, Body      *string
	SEOTitle, SEODescription *string
	Published                *bool
}

// CreatePage creates a page (a handle derived from the title when not given). User error
// codes: BLANK, INVALID, TOO_LONG, TAKEN (handle).
func (s *Service) CreatePage(ctx context.Context, in PageInput) (*ent.Page, []usererror.Error, error) {
	if in.Handle == nil && in.Title != nil {
		h := Handleize(*in.Title)
		in.Handle = &h
	}
	var id int
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		p, changes, uerrs, err := s.writePage(ctx, tx, nil, in)
		if p != nil {
			id = p.ID
		}
		return gid.Format(gid.Page, id), changes, uerrs, err
	})
	return s.readPage(ctx, id, uerrs, err)
}

// UpdatePage changes a page. User error codes: those of CreatePage and NOT_FOUND (id).
func (s *Service) UpdatePage(ctx context.Context, id string, in PageInput) (*ent.Page, []usererror.Error, error) {
	n, uerrs := parseID(id, gid.Page, "id")
	if uerrs != nil {
		return nil, uerrs, nil
	}
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		p, err := tx.Page.Get(ctx, n)
		if ent.IsNotFound(err) {
			return "", nil, noSuch(gid.Page, "id"), nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("load page %d: %w", n, err)
		}
		_, changes, uerrs, err := s.writePage(ctx, tx, p, in)
		return id, changes, uerrs, err
	})
	return s.readPage(ctx, n, uerrs, err)
}

func (s *Service) readPage(ctx context.Context, id int, uerrs []usererror.Error, err error) (*ent.Page, []usererror.Error, error) {
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	p, err := s.db.Page.Get(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("read page %d back: %w", id, err)
	}
	return p, nil, nil
}

func (s *Service) writePage(ctx context.Context, tx *ent.Tx, p *ent.Page, in PageInput) (*ent.Page, map[string]any, []usererror.Error, error) {
	var e fieldErrors
	e.handle(in.Handle)
	e.text(in.Title, "title", p == nil || in.Title != nil, 255)
	if in.Handle != nil && (p == nil || p.Handle != *in.Handle) {
		taken, err := tx.Page.Query().Where(page.Handle(*in.Handle)).Exist(ctx)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("check handle: %w", err)
		}
		if taken {
			e.add(usererror.Taken, "A page with this handle already exists.", "handle")
		}
	}
	if len(e) > 0 {
		return nil, nil, e, nil
	}
	changes := map[string]any{}
	now := time.Now().UTC()
	if p == nil {
		c := tx.Page.Create().SetHandle(*in.Handle).SetTitle(*in.Title)
		if in.Published != nil && *in.Published {
			c.SetPublished(true).SetPublishedAt(now)
		}
		var err error
		if p, err = c.Save(ctx); err != nil {
			return nil, nil, nil, fmt.Errorf("create page: %w", err)
		}
		changes["created"] = true
		changes["handle"], changes["title"], changes["published"] = p.Handle, p.Title, p.Published
	}
	u := tx.Page.UpdateOne(p)
	n := len(changes)
	change(changes, "handle", strDiffers(in.Handle, p.Handle), in.Handle, func() { u.SetHandle(*in.Handle) })
	change(changes, "title", strDiffers(in.Title, p.Title), in.Title, func() { u.SetTitle(*in.Title) })
	change(changes, "body", strDiffers(in.Body, p.Body), in.Body, func() { u.SetBody(*in.Body) })
	change(changes, "seoTitle", optDiffers(in.SEOTitle, p.SeoTitle), in.SEOTitle, func() { u.SetSeoTitle(*in.SEOTitle) })
	change(changes, "seoDescription", optDiffers(in.SEODescription, p.SeoDescription), in.SEODescription, func() { u.SetSeoDescription(*in.SEODescription) })
	change(changes, "published", in.Published != nil && *in.Published != p.Published, in.Published, func() {
		u.SetPublished(*in.Published)
		if *in.Published && p.PublishedAt == nil {
			u.SetPublishedAt(now)
		}
	})
	if len(changes) > n {
		if err := u.Exec(ctx); err != nil {
			return nil, nil, nil, fmt.Errorf("update page %d: %w", p.ID, err)
		}
	}
	return p, changes, nil, nil
}

// DeletePage deletes a page. User error codes: NOT_FOUND (id).
func (s *Service) DeletePage(ctx context.Context, id string) (string, []usererror.Error, error) {
	n, uerrs := parseID(id, gid.Page, "id")
	if uerrs != nil {
		return "", uerrs, nil
	}
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		p, err := tx.Page.Get(ctx, n)
		if ent.IsNotFound(err) {
			return "", nil, noSuch(gid.Page, "id"), nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("load page %d: %w", n, err)
		}
		if err := tx.Page.DeleteOneID(n).Exec(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("delete page %d: %w", n, err)
		}
		return id, map[string]any{"deleted": true, "handle": p.Handle}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return "", uerrs, err
	}
	return gid.Format(gid.Page, n), nil, nil
}

// MenuInput is a menu as menuCreate and menuUpdate take it; Items, when given, replace the
// whole item tree.
type MenuInput struct {
	Handle, Title *string
	Items         []MenuItemInput
	HasItems      bool
}

// MenuItemInput is one menu item and its children.
type MenuItemInput struct {
	Title      string
	Type       string
	URL        *string
	ResourceID *string
	Tags       []string
	Items      []MenuItemInput
}

// maxMenuDepth bounds item trees (Shopify allows three levels).
const maxMenuDepth = 3

// CreateMenu creates a menu with its items. User error codes: BLANK, INVALID, TOO_LONG,
// TAKEN (handle).
func (s *Service) CreateMenu(ctx context.Context, in MenuInput) (*ent.Menu, []usererror.Error, error) {
	if in.Handle == nil && in.Title != nil {
		h := Handleize(*in.Title)
		in.Handle = &h
	}
	var id int
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		m, changes, uerrs, err := s.writeMenu(ctx, tx, nil, in)
		if m != nil {
			id = m.ID
		}
		return gid.Format(gid.Menu, id), changes, uerrs, err
	})
	return s.readMenu(ctx, id, uerrs, err)
}

// UpdateMenu changes a menu. User error codes: those of CreateMenu and NOT_FOUND (id).
func (s *Service) UpdateMenu(ctx context.Context, id string, in MenuInput) (*ent.Menu, []usererror.Error, error) {
	n, uerrs := parseID(id, gid.Menu, "id")
	if uerrs != nil {
		return nil, uerrs, nil
	}
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		m, err := tx.Menu.Get(ctx, n)
		if ent.IsNotFound(err) {
			return "", nil, noSuch(gid.Menu, "id"), nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("load menu %d: %w", n, err)
		}
		_, changes, uerrs, err := s.writeMenu(ctx, tx, m, in)
		return id, changes, uerrs, err
	})
	return s.readMenu(ctx, n, uerrs, err)
}

func (s *Service) readMenu(ctx context.Context, id int, uerrs []usererror.Error, err error) (*ent.Menu, []usererror.Error, error) {
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	m, err := s.db.Menu.Get(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("read menu %d back: %w", id, err)
	}
	return m, nil, nil
}

func checkItems(e *fieldErrors, items []MenuItemInput, depth int, path []any) {
	for i, it := range items {
		p := append(append([]any{}, path...), i)
		if depth > maxMenuDepth {
			e.add(usererror.Invalid, fmt.Sprintf("Menus are at most %d levels deep.", maxMenuDepth), p...)
			return
		}
		if it.Title == "" || len(it.Title) > 255 {
			e.add(usererror.Invalid, "An item's title must be 1 to 255 characters.", append(p, "title")...)
		}
		if menuitem.TypeValidator(menuitem.Type(it.Type)) != nil {
			e.add(usererror.Invalid, "Unknown item type.", append(p, "type")...)
		}
		if it.URL != nil && len(*it.URL) > 2048 {
			e.add(usererror.TooLong, "The URL is longer than 2048 characters.", append(p, "url")...)
		}
		if it.ResourceID != nil {
			if _, _, ok := gid.Parse(*it.ResourceID); !ok {
				e.add(usererror.Invalid, "The resource ID must be a global ID.", append(p, "resourceId")...)
			}
		}
		checkItems(e, it.Items, depth+1, append(p, "items"))
	}
}

func (s *Service) writeMenu(ctx context.Context, tx *ent.Tx, m *ent.Menu, in MenuInput) (*ent.Menu, map[string]any, []usererror.Error, error) {
	var e fieldErrors
	e.handle(in.Handle)
	e.text(in.Title, "title", m == nil || in.Title != nil, 255)
	checkItems(&e, in.Items, 1, []any{"items"})
	if in.Handle != nil && (m == nil || m.Handle != *in.Handle) {
		taken, err := tx.Menu.Query().Where(menu.Handle(*in.Handle)).Exist(ctx)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("check handle: %w", err)
		}
		if taken {
			e.add(usererror.Taken, "A menu with this handle already exists.", "handle")
		}
	}
	if len(e) > 0 {
		return nil, nil, e, nil
	}
	changes := map[string]any{}
	if m == nil {
		var err error
		if m, err = tx.Menu.Create().SetHandle(*in.Handle).SetTitle(*in.Title).Save(ctx); err != nil {
			return nil, nil, nil, fmt.Errorf("create menu: %w", err)
		}
		changes["created"] = true
		changes["handle"], changes["title"] = m.Handle, m.Title
	} else {
		u := tx.Menu.UpdateOne(m)
		n := len(changes)
		change(changes, "handle", strDiffers(in.Handle, m.Handle), in.Handle, func() { u.SetHandle(*in.Handle) })
		change(changes, "title", strDiffers(in.Title, m.Title), in.Title, func() { u.SetTitle(*in.Title) })
		if len(changes) > n {
			if err := u.Exec(ctx); err != nil {
				return nil, nil, nil, fmt.Errorf("update menu %d: %w", m.ID, err)
			}
		}
	}
	if in.HasItems {
		// Children first: items refer to their parents.
		for {
			n, err := tx.MenuItem.Delete().Where(menuitem.MenuID(m.ID), menuitem.Not(menuitem.HasChildren())).Exec(ctx)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("clear menu %d: %w", m.ID, err)
			}
			if n == 0 {
				break
			}
		}
		if err := writeItems(ctx, tx, m.ID, nil, in.Items); err != nil {
			return nil, nil, nil, err
		}
		changes["items"] = len(in.Items)
	}
	return m, changes, nil, nil
}

func writeItems(ctx context.Context, tx *ent.Tx, menuID int, parent *int, items []MenuItemInput) error {
	for i, it := range items {
		tags := it.Tags
		if tags == nil {
			tags = []string{}
		}
		created, err := tx.MenuItem.Create().SetMenuID(menuID).SetNillableParentID(parent).SetTitle(it.Title).
			SetType(menuitem.Type(it.Type)).SetNillableURL(it.URL).SetNillableResourceID(it.ResourceID).
			SetTags(tags).SetPosition(i).Save(ctx)
		if err != nil {
			return fmt.Errorf("create menu item %q: %w", it.Title, err)
		}
		if err := writeItems(ctx, tx, menuID, &created.ID, it.Items); err != nil {
			return err
		}
	}
	return nil
}

// DeleteMenu deletes a menu and its items. User error codes: NOT_FOUND (id).
func (s *Service) DeleteMenu(ctx context.Context, id string) (string, []usererror.Error, error) {
	n, uerrs := parseID(id, gid.Menu, "id")
	if uerrs != nil {
		return "", uerrs, nil
	}
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		m, err := tx.Menu.Get(ctx, n)
		if ent.IsNotFound(err) {
			return "", nil, noSuch(gid.Menu, "id"), nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("load menu %d: %w", n, err)
		}
		for {
			k, err := tx.MenuItem.Delete().Where(menuitem.MenuID(n), menuitem.Not(menuitem.HasChildren())).Exec(ctx)
			if err != nil {
				return "", nil, nil, fmt.Errorf("delete items of menu %d: %w", n, err)
			}
			if k == 0 {
				break
			}
		}
		if err := tx.Menu.DeleteOneID(n).Exec(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("delete menu %d: %w", n, err)
		}
		return id, map[string]any{"deleted": true, "handle": m.Handle}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return "", uerrs, err
	}
	return gid.Format(gid.Menu, n), nil, nil
}
