package checkoutpage

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"net/http"
)

// favicon is a 16×16 shopping bag as an ICO file holding one PNG image, drawn once at
// start. Pages link an SVG of the same bag inline; this answers browsers (and the
// Playground) that ask for /favicon.ico anyway, so they get no 404.
var favicon = func() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	ink := color.NRGBA{0x11, 0x11, 0x11, 0xff}
	for y := 5; y < 15; y++ { // the bag
		for x := 2; x < 14; x++ {
			if (y == 5 || y == 14) && (x == 2 || x == 13) {
				continue // rounded corners
			}
			img.Set(x, y, ink)
		}
	}
	for _, p := range [][2]int{{5, 4}, {5, 3}, {6, 2}, {7, 1}, {8, 1}, {9, 2}, {10, 3}, {10, 4}} { // the handle
		img.Set(p[0], p[1], ink)
	}
	var pngData bytes.Buffer
	_ = png.Encode(&pngData, img)
	var ico bytes.Buffer
	// ICONDIR: reserved, type 1 (icon), one image; ICONDIRENTRY: 16×16, no palette,
	// 1 plane, 32 bits, size, offset 22.
	_ = binary.Write(&ico, binary.LittleEndian, []uint16{0, 1, 1})
	ico.Write([]byte{16, 16, 0, 0})
	_ = binary.Write(&ico, binary.LittleEndian, []uint16{1, 32})
	_ = binary.Write(&ico, binary.LittleEndian, []uint32{uint32(pngData.Len()), 22})
	ico.Write(pngData.Bytes())
	return ico.Bytes()
}()

// Favicon serves /favicon.ico.
func Favicon(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "image/x-icon")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(favicon)
}
