package meeting

import (
	"strings"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/sheet"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// The agenda as a spreadsheet: one row per scheduled meeting, what a trade-promotion office
// reports after a fair (who met whom, whether they came, the MoUs and contracts and their value).
var (
	msgSheetTitle = apperr.M("agenda_sheet.title", "Lịch gặp B2B", "B2B agenda")
	msgSheetHead  = []apperr.Msg{
		apperr.M("agenda_sheet.day", "Ngày", "Date"),
		apperr.M("agenda_sheet.time", "Giờ", "Time"),
		apperr.M("agenda_sheet.table", "Bàn", "Table"),
		apperr.M("agenda_sheet.buyer", "Bên mua", "Buyer"),
		apperr.M("agenda_sheet.producer", "Chủ thể OCOP", "Producer"),
		apperr.M("agenda_sheet.booths", "Gian hàng", "Booths"),
		apperr.M("agenda_sheet.attended", "Có mặt (quét thẻ)", "Attended (badges scanned)"),
		apperr.M("agenda_sheet.outcome", "Kết quả", "Outcome"),
		apperr.M("agenda_sheet.value", "Giá trị (đồng)", "Value (VND)"),
		apperr.M("agenda_sheet.outcome_by", "Bên ghi kết quả", "Recorded by"),
		apperr.M("agenda_sheet.outcome_at", "Ghi lúc", "Recorded at"),
	}
	msgSheetYes = apperr.M("agenda_sheet.yes", "Có", "Yes")
)

// valueColumn is the column of the amounts in đồng.
const valueColumn = 8

// agendaTable is the agenda's scheduled meetings in time order, one a row, in lang.
func agendaTable(a agendaResponse, lang apperr.Lang) sheet.Table {
	t := sheet.Table{Title: msgSheetTitle.In(lang), Lang: lang, Money: []int{valueColumn}}
	for _, h := range msgSheetHead {
		t.Header = append(t.Header, h.In(lang))
	}
	for _, m := range a.Meetings {
		row := []any{sheetDay(m.Day, lang), sheetTime(m.Starts) + "–" + sheetTime(m.Ends), m.Table, m.BuyerName, m.ProducerName,
			strings.Join(m.Booths, ", "), "", "", "", "", ""}
		if m.Attended {
			row[6] = msgSheetYes.In(lang)
		}
		if o, ok := outcomeNames[m.Outcome]; ok {
			row[7] = o.In(lang)
		}
		if m.ValueVND > 0 {
			row[valueColumn] = m.ValueVND
		}
		switch m.OutcomeBy {
		case SideBuyer:
			row[9] = msgPDFBuyerSide.In(lang)
		case SideProducer:
			row[9] = msgPDFSellerSide.In(lang)
		}
		if at, err := time.Parse(time.RFC3339, m.OutcomeAt); err == nil {
			row[10] = sheetDay(at.In(vntext.Zone).Format(time.DateOnly), lang) + " " + at.In(vntext.Zone).Format("15:04")
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// sheetDay writes a date (YYYY-MM-DD) as its reader writes dates: 06/12/2026 in Vietnamese.
func sheetDay(day string, lang apperr.Lang) string {
	d, err := time.ParseInLocation(time.DateOnly, day, vntext.Zone)
	if err != nil || lang == apperr.English {
		return day
	}
	return vntext.FormatDate(d)
}

// sheetTime is the hh:mm of an RFC 3339 time, "" for none.
func sheetTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return ""
	}
	return t.In(vntext.Zone).Format("15:04")
}
