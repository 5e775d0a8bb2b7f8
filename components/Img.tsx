import { getImageProps, type ImageProps } from "next/image";
import { preload } from "react-dom";

/**
 * The `<img>` next/image writes (srcset through Next's optimizer, width and height, lazy loading,
 * the blur placeholder as its background), rendered on the server: next/image's client component
 * would add about 3 KB of JavaScript to every page with a cover or a portrait. A `priority` image
 * is fetched first and preloaded from the head, as next/image does.
 */
export function Img(props: ImageProps) {
  const { props: img } = getImageProps(props);
  if (props.priority)
    preload(img.src, { as: "image", imageSrcSet: img.srcSet, imageSizes: img.sizes, fetchPriority: "high" });
  // eslint-disable-next-line @next/next/no-img-element, jsx-a11y/alt-text -- next/image's own props, alt included
  return <img {...img} fetchPriority={props.priority ? "high" : img.fetchPriority} />;
}
