// Tag colours dark enough for white text at WCAG AA (Ant Design's light presets are not).
export const GREEN = "#1b5e20";
export const RED = "#b71c1c";
export const BLUE = "#0a4fb4";
export const GOLD = "#7a4f00";
export const PURPLE = "#5e35b1";
export const GREY = "#545454";
