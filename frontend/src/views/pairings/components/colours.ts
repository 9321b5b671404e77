// The charts' palette: the brand red, gold and a blue, each with enough contrast on white.
export const CHART_COLOURS = ['#b4232a', '#ad6800', '#1d4ed8', '#4e5969']
