// The bundler (and jest's raw loader) import SVG files as strings.
declare module '*.svg' {
  const value: string;
  export default value;
}
