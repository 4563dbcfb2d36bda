package index

import (
	"fmt"
	"strings"
)

// Macro names a value filled into creative markup when a bid is made.
type Macro uint8

// Macros of creative markup. Literal parts have MacroNone.
const (
	MacroNone Macro = iota
	MacroAuctionID
	MacroBidID
	MacroImpID
	MacroClickURL
	MacroImpURL
)

// macros maps the names the bidder fills. ${AUCTION_PRICE} and the other
// OpenRTB auction macros are left in the markup for the exchange.
var macros = map[string]Macro{
	"AUCTION_ID":     MacroAuctionID,
	"AUCTION_BID_ID": MacroBidID,
	"AUCTION_IMP_ID": MacroImpID,
	"CLICK_URL":      MacroClickURL,
	"IMP_URL":        MacroImpURL,
}

// Part is a piece of a Template: literal text, or a macro to fill.
type Part struct {
	Text  string
	Macro Macro
}

// Template is creative markup split at the macros nordbid fills, so that
// filling it is a sequence of appends.
type Template []Part

// ParseTemplate splits markup at ${NAME} macros. Unknown macro names are
// kept as literal text; an unterminated "${" is an error.
func ParseTemplate(markup string) (Template, error) {
	var t Template
	rest := markup
	lit := strings.Builder{}
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			lit.WriteString(rest)
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("unterminated macro at %q", rest[i:min(len(rest), i+20)])
		}
		name := rest[i+2 : i+j]
		m, ok := macros[name]
		if !ok {
			lit.WriteString(rest[:i+j+1])
			rest = rest[i+j+1:]
			continue
		}
		lit.WriteString(rest[:i])
		if lit.Len() > 0 {
			t = append(t, Part{Text: lit.String()})
			lit.Reset()
		}
		t = append(t, Part{Macro: m})
		rest = rest[i+j+1:]
	}
	if lit.Len() > 0 {
		t = append(t, Part{Text: lit.String()})
	}
	return t, nil
}
