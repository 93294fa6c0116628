package verify

import "github.com/ocopfair/ocopfair/pkg/printout"

// PNG draws text's QR code as a black-and-white PNG, scale pixels a module, with its quiet zone.
func PNG(text string, scale int) ([]byte, error) { return printout.QRPNG(text, scale) }

// SVG draws text's QR code as an SVG for print, with its quiet zone.
func SVG(text string) ([]byte, error) { return printout.QRSVG(text) }
