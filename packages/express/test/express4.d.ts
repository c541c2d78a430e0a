// Express 4 is installed under the alias "express4" so both majors are tested side by side;
// its API is the one @types/express describes.
declare module 'express4' {
  import express from 'express';
  export default express;
}
