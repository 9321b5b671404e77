// ECharts draws on a canvas, which the test DOM has not: in tests the charts are these stubs,
// showing what they were given. A region chart's rows are buttons that choose their region, as
// a click on a region's bar does.
import { h, type FunctionalComponent } from 'vue'

interface Row {
  code: string
  name: string
}

export const RegionChartStub: FunctionalComponent<{ rows: Row[] }, { select: (row: Row) => void }> = (props, { emit }) =>
  h('div', { class: 'chart-stub' }, props.rows.map((row) => h('button', { class: 'bar', onClick: () => emit('select', row) }, row.name)))
RegionChartStub.props = ['rows']
RegionChartStub.emits = ['select']

export const MonthlyChartStub: FunctionalComponent<{ series: { month: string }[] }> = (props) =>
  h('div', { class: 'monthly-stub' }, props.series.map((m) => m.month).join(','))
MonthlyChartStub.props = ['series']
